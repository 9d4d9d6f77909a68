package io.clustertop.launcher;

import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.RowKey;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.util.List;

/**
 * What iftop's text mode lets a user change while it runs, and the keys that change it (iftop
 * 1.0pre4's {@code tui_loop}): each key answers with iftop's own message and asks for a report at
 * once.
 *
 * <p>Thread safety: none; the aggregation thread applies keys that the key reader queued.
 */
final class TextModeState {
  ViewOptions view;
  boolean resolveHosts;
  boolean resolveServices;
  boolean paused;
  boolean frozen;
  boolean quit;
  /** The order of the rows last printed, what {@code o} freezes. */
  List<RowKey> lastOrder = List.of();

  TextModeState(ViewOptions view, boolean resolveHosts, boolean resolveServices) {
    this.view = view;
    this.resolveHosts = resolveHosts;
    this.resolveServices = resolveServices;
  }

  /**
   * Applies one key.
   *
   * @return iftop's message for it (may be empty), or null for a key that does nothing
   */
  String apply(char key) {
    switch (key) {
      case 'q' -> {
        quit = true;
        return "";
      }
      case 'u' -> {
        return "";
      }
      case 'n' -> {
        resolveHosts = !resolveHosts;
        return "DNS resolution is " + (resolveHosts ? "ON" : "OFF") + ".\n\n";
      }
      case 'N' -> {
        resolveServices = !resolveServices;
        return "Port resolution is " + (resolveServices ? "ON" : "OFF") + ".\n\n";
      }
      case 's' -> {
        view = view.withHosts(!view.showSource(), view.showDestination());
        return (view.showSource() ? "Show" : "Hide") + " source host\n\n";
      }
      case 'd' -> {
        view = view.withHosts(view.showSource(), !view.showDestination());
        return (view.showDestination() ? "Show" : "Hide") + " destination host\n\n";
      }
      case 'S' -> {
        view = view.withPorts(switch (view.ports()) {
          case OFF -> PortDisplay.SOURCE_ONLY;
          case DESTINATION_ONLY -> PortDisplay.ON;
          case ON -> PortDisplay.DESTINATION_ONLY;
          case SOURCE_ONLY -> PortDisplay.OFF;
        });
        return portsMessage();
      }
      case 'D' -> {
        view = view.withPorts(switch (view.ports()) {
          case OFF -> PortDisplay.DESTINATION_ONLY;
          case SOURCE_ONLY -> PortDisplay.ON;
          case ON -> PortDisplay.SOURCE_ONLY;
          case DESTINATION_ONLY -> PortDisplay.OFF;
        });
        return portsMessage();
      }
      case 'p' -> {
        view = view.withPorts(view.ports() == PortDisplay.OFF ? PortDisplay.ON : PortDisplay.OFF);
        return portsMessage();
      }
      case 'P' -> {
        paused = !paused;
        return paused ? "Pausing... press 'P' again to continue.\n" : "Continuing.\n\n";
      }
      case 'o' -> {
        frozen = !frozen;
        view = view.withFrozenOrder(frozen ? lastOrder : List.of());
        return "Order " + (frozen ? "frozen" : "unfrozen") + ".\n\n";
      }
      case '1' -> {
        return sort(SortOrder.LAST_2S, "1");
      }
      case '2' -> {
        return sort(SortOrder.LAST_10S, "2");
      }
      case '3' -> {
        return sort(SortOrder.LAST_40S, "3");
      }
      case '<' -> {
        return sort(SortOrder.SOURCE, "source");
      }
      case '>' -> {
        return sort(SortOrder.DESTINATION, "destination");
      }
      default -> {
        return null;
      }
    }
  }

  private String sort(SortOrder order, String column) {
    view = view.withSort(order);
    return "Sorting by column " + column + ".\n\n";
  }

  private String portsMessage() {
    String which = switch (view.ports()) {
      case SOURCE_ONLY -> " src";
      case DESTINATION_ONLY -> " dest";
      case ON -> " both";
      case OFF -> " none";
    };
    return "Showing ports:" + which + ".\n\n";
  }
}
