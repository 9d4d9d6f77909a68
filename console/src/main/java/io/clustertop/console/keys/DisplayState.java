package io.clustertop.console.keys;

import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.RowKey;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.view.Window;
import java.util.List;

/**
 * What iftop's keys change while it runs, for the full screen and for the text mode alike: one
 * place that knows what {@code s}, {@code S}, {@code o}, {@code t}... do (iftop 1.0pre4's
 * {@code ui.c}). The text mode takes the subset iftop's {@code tui.c} takes and words its
 * messages its own way.
 *
 * <p>Thread safety: none; one thread applies keys and reads the state.
 */
public final class DisplayState {
  private ViewOptions view;
  private boolean resolveHosts;
  private boolean resolveServices;
  private boolean paused;
  private boolean frozen;
  private boolean quit;
  private List<RowKey> lastOrder = List.of();
  private LineDisplay lineDisplay = LineDisplay.TWO_LINES;
  private boolean bars = true;
  private Window barWindow = Window.LAST_10S;
  private boolean logScale;
  private boolean cumulative;
  private boolean help;
  private int scroll;

  public DisplayState(ViewOptions view, boolean resolveHosts, boolean resolveServices) {
    this.view = view;
    this.resolveHosts = resolveHosts;
    this.resolveServices = resolveServices;
  }

  /**
   * Applies one key.
   *
   * @return iftop's full-screen message for it (empty for a key that says nothing), or null for a
   *     key this class does not handle
   */
  public String apply(char key) {
    return switch (key) {
      case 'q' -> {
        quit = true;
        yield "";
      }
      case 'n' -> {
        resolveHosts = !resolveHosts;
        yield "DNS resolution " + (resolveHosts ? "on" : "off");
      }
      case 'N' -> {
        resolveServices = !resolveServices;
        yield "Port resolution " + (resolveServices ? "on" : "off");
      }
      case 's' -> {
        view = view.withHosts(!view.showSource(), view.showDestination());
        yield (view.showSource() ? "Show" : "Hide") + " source host";
      }
      case 'd' -> {
        view = view.withHosts(view.showSource(), !view.showDestination());
        yield (view.showDestination() ? "Show" : "Hide") + " dest host";
      }
      case 'S' -> ports(switch (view.ports()) {
        case OFF -> PortDisplay.SOURCE_ONLY;
        case DESTINATION_ONLY -> PortDisplay.ON;
        case ON -> PortDisplay.DESTINATION_ONLY;
        case SOURCE_ONLY -> PortDisplay.OFF;
      });
      case 'D' -> ports(switch (view.ports()) {
        case OFF -> PortDisplay.DESTINATION_ONLY;
        case SOURCE_ONLY -> PortDisplay.ON;
        case ON -> PortDisplay.SOURCE_ONLY;
        case DESTINATION_ONLY -> PortDisplay.OFF;
      });
      case 'p' -> ports(view.ports() == PortDisplay.OFF ? PortDisplay.ON : PortDisplay.OFF);
      case 'P' -> {
        paused = !paused;
        yield paused ? "Display paused" : "Display unpaused";
      }
      case 'o' -> {
        frozen = !frozen;
        view = view.withFrozenOrder(frozen ? lastOrder : List.of());
        yield "Order " + (frozen ? "frozen" : "unfrozen");
      }
      case '1' -> sort(SortOrder.LAST_2S, "col 1");
      case '2' -> sort(SortOrder.LAST_10S, "col 2");
      case '3' -> sort(SortOrder.LAST_40S, "col 3");
      case '<' -> sort(SortOrder.SOURCE, "source");
      case '>' -> sort(SortOrder.DESTINATION, "dest");
      case 't' -> {
        lineDisplay = lineDisplay.next();
        yield lineDisplay.message();
      }
      case 'T' -> {
        cumulative = !cumulative;
        yield (cumulative ? "Show" : "Hide") + " cumulative totals";
      }
      case 'b' -> {
        bars = !bars;
        yield "Bars " + (bars ? "on" : "off");
      }
      case 'B' -> {
        barWindow = Window.values()[(barWindow.ordinal() + 1) % Window.values().length];
        yield "Bars show " + (barWindow.slots() * 2) + "s average";
      }
      case 'L' -> {
        logScale = !logScale;
        yield logScale ? "Logarithmic scale" : "Linear scale";
      }
      case 'h', '?' -> {
        help = !help;
        yield "";
      }
      case 'j' -> {
        scroll++;
        yield "";
      }
      case 'k' -> {
        scroll = Math.max(0, scroll - 1);
        yield "";
      }
      default -> null;
    };
  }

  private String ports(PortDisplay ports) {
    view = view.withPorts(ports);
    return "Port display " + switch (ports) {
      case ON -> "ON";
      case OFF -> "OFF";
      case SOURCE_ONLY -> "SOURCE";
      case DESTINATION_ONLY -> "DEST";
    };
  }

  private String sort(SortOrder order, String what) {
    view = view.withSort(order);
    return "Sort by " + what;
  }

  public ViewOptions view() {
    return view;
  }

  /** For what the keys do not reach: the row limit, the screen filter. */
  public void view(ViewOptions newView) {
    view = newView;
  }

  public boolean resolveHosts() {
    return resolveHosts;
  }

  public boolean resolveServices() {
    return resolveServices;
  }

  public boolean paused() {
    return paused;
  }

  public boolean frozen() {
    return frozen;
  }

  public boolean quit() {
    return quit;
  }

  /** The order of the rows last shown: what {@code o} freezes. */
  public void shown(List<RowKey> order) {
    lastOrder = List.copyOf(order);
  }

  public LineDisplay lineDisplay() {
    return lineDisplay;
  }

  public boolean bars() {
    return bars;
  }

  /** Which average the bars show ({@code B}). */
  public Window barWindow() {
    return barWindow;
  }

  public boolean logScale() {
    return logScale;
  }

  /** Whether rows show their cumulative totals ({@code T}). */
  public boolean cumulative() {
    return cumulative;
  }

  public boolean help() {
    return help;
  }

  /** Rows scrolled off the top ({@code j}, {@code k}); the renderer stops at the last row. */
  public int scroll() {
    return scroll;
  }

  public void scroll(int rows) {
    scroll = Math.max(0, rows);
  }

  /** Settings from the command line or {@code ~/.iftoprc}: {@code -b}, line-display, show-totals, log-scale. */
  public DisplayState configure(boolean showBars, LineDisplay lines, boolean showTotals, boolean log) {
    bars = showBars;
    lineDisplay = lines;
    cumulative = showTotals;
    logScale = log;
    return this;
  }
}
