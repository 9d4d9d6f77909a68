package io.clustertop.launcher;

import io.clustertop.console.keys.DisplayState;
import io.clustertop.core.view.ViewOptions;

/**
 * iftop's text mode keys (iftop 1.0pre4's {@code tui_loop}): the subset of the full screen's keys
 * that {@code tui.c} takes, applied to the same {@link DisplayState}, each answered with the
 * text mode's own message.
 *
 * <p>Thread safety: none; the aggregation thread applies keys that the key reader queued.
 */
final class TextModeState {
  /** The keys iftop's text mode takes; the others (bars, line modes, help) belong to the screen. */
  private static final String TEXT_MODE_KEYS = "qunNsdSDpPo123<>";

  final DisplayState display;

  TextModeState(ViewOptions view, boolean resolveHosts, boolean resolveServices) {
    this.display = new DisplayState(view, resolveHosts, resolveServices);
  }

  /**
   * Applies one key.
   *
   * @return iftop's message for it (may be empty), or null for a key that does nothing
   */
  String apply(char key) {
    if (TEXT_MODE_KEYS.indexOf(key) < 0) {
      return null;
    }
    if (key != 'u') { // u only asks for a report now
      display.apply(key);
    }
    return switch (key) {
      case 'q', 'u' -> "";
      case 'n' -> "DNS resolution is " + (display.resolveHosts() ? "ON" : "OFF") + ".\n\n";
      case 'N' -> "Port resolution is " + (display.resolveServices() ? "ON" : "OFF") + ".\n\n";
      case 's' -> (display.view().showSource() ? "Show" : "Hide") + " source host\n\n";
      case 'd' -> (display.view().showDestination() ? "Show" : "Hide") + " destination host\n\n";
      case 'S', 'D', 'p' -> "Showing ports:" + switch (display.view().ports()) {
        case SOURCE_ONLY -> " src";
        case DESTINATION_ONLY -> " dest";
        case ON -> " both";
        case OFF -> " none";
      } + ".\n\n";
      case 'P' -> display.paused() ? "Pausing... press 'P' again to continue.\n" : "Continuing.\n\n";
      case 'o' -> "Order " + (display.frozen() ? "frozen" : "unfrozen") + ".\n\n";
      case '1', '2', '3' -> "Sorting by column " + key + ".\n\n";
      case '<' -> "Sorting by column source.\n\n";
      default -> "Sorting by column destination.\n\n";
    };
  }
}
