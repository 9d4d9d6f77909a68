package io.clustertop.launcher;

import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.core.flow.Network;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.util.List;
import java.util.Map;

/**
 * iftop's options after the command line, the configuration file and the defaults have had their
 * say, in that order of precedence, and after validation: a bad value is a {@link UserError}.
 */
record IftopSettings(
    String interfaceName,
    String filter,
    boolean promiscuous,
    boolean resolveHosts,
    boolean resolveServices,
    boolean json,
    Integer seconds,
    Units units,
    String screenFilter,
    ViewOptions view,
    MonitorOptions monitorOptions,
    Map<String, String> configuration) {

  /** iftop's default number of lines in text mode. */
  static final int DEFAULT_TEXT_LINES = 10;

  static IftopSettings resolve(IftopCommand c) {
    Map<String, String> rc = ConfigFile.read(c.config);
    CaptureOptions capture = c.capture;
    String interfaceName = first(capture.interfaceName, rc.get("interface"));
    String filter = first(capture.filter, rc.get("filter-code"));
    boolean promiscuous = flag(capture.promiscuous, rc, "promiscuous", false);
    ReportOptions report = c.report;
    boolean resolveHosts = report.noDns != null ? !report.noDns : bool(rc, "dns-resolution", true);
    boolean resolveServices = report.noServices != null ? !report.noServices : bool(rc, "port-resolution", true);
    boolean linkLocal = flag(capture.linkLocal, rc, "link-local", false);

    PortDisplay ports = report.ports != null && report.ports ? PortDisplay.ON : portDisplay(rc.getOrDefault("port-display", "off"));
    boolean showSource = !bool(rc, "hide-source", false);
    boolean showDestination = !bool(rc, "hide-destination", false);

    Units units = report.units(bool(rc, "use-bytes", false));
    SortOrder sort = report.sortOrder(rc.getOrDefault("sort", "10s"));
    int lines = report.lines(rc.containsKey("num-lines") ? parseInt("num-lines", rc.get("num-lines")) : DEFAULT_TEXT_LINES);
    Integer seconds = report.seconds(rc.containsKey("timed-output") ? parseInt("timed-output", rc.get("timed-output")) : null);

    MonitorOptions monitor = capture.monitorOptions(first(capture.netFilter4, rc.get("net-filter")),
        first(capture.netFilter6, rc.get("net-filter6")), linkLocal);
    ViewOptions view = new ViewOptions(showSource, showDestination, ports, sort, lines, ViewOptions.ALL_ROWS, List.of());
    return new IftopSettings(interfaceName, filter, promiscuous, resolveHosts, resolveServices, report.json,
        seconds, units, rc.get("screen-filter"), view, monitor, rc);
  }


  private static PortDisplay portDisplay(String value) {
    return switch (value) {
      case "off" -> PortDisplay.OFF;
      case "source-only" -> PortDisplay.SOURCE_ONLY;
      case "destination-only" -> PortDisplay.DESTINATION_ONLY;
      case "on" -> PortDisplay.ON;
      default -> throw new UserError("invalid port-display '" + value + "': use off, source-only, destination-only or on");
    };
  }

  /** {@code -F}/{@code -G}: a network of the given IP version, or null when none was given. */
  static Network network(String flag, String text, int version) {
    if (text == null) {
      return null;
    }
    Network n;
    try {
      n = Network.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UserError("invalid " + flag + " '" + text + "': " + e.getMessage(), e);
    }
    if (n.address().version() != version) {
      throw new UserError("invalid " + flag + " '" + text + "': not an IPv" + version + " network");
    }
    return n;
  }

  static <T> T parse(java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new UserError("invalid " + key + " '" + value + "': not a number", e);
    }
  }

  private static boolean flag(Boolean given, Map<String, String> rc, String key, boolean otherwise) {
    return given != null ? given : bool(rc, key, otherwise);
  }

  static boolean bool(Map<String, String> rc, String key, boolean otherwise) {
    String v = rc.get(key);
    return v == null ? otherwise : v.equals("true") || v.equals("yes") || v.equals("on") || v.equals("1");
  }

  private static <T> T first(T a, T b) {
    return a != null ? a : b;
  }
}
