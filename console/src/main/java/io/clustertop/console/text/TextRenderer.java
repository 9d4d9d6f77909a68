package io.clustertop.console.text;

import io.clustertop.console.terminal.Printable;
import io.clustertop.console.names.EndpointNames;
import io.clustertop.console.names.HostNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.console.status.NodeSummary;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.Window;

/**
 * Draws a snapshot as iftop 1.0pre4's text mode ({@code iftop -t}) prints it, byte for byte: the
 * layout of {@code tui_print} in iftop's {@code tui.c}, the host column of {@code sprint_host}
 * and the figures of {@code readable_size} (see {@link Units}).
 *
 * <p>Additions, each on lines of its own so that iftop's lines stay as they are: an unnumbered
 * "(other)" row after the numbered ones when the snapshot has one, so that the rows add up to the
 * totals, a "Capture:" line after the cumulative line, and for a view of the cluster a "Nodes:"
 * line after it ({@code Nodes: none reporting yet} before the first agent).
 *
 * <pre>{@code
 *    # Host name (port/service if enabled)            last 2s   last 10s   last 40s cumulative
 * --------------------------------------------------------------------------------------------
 *    1 127.0.0.1:40001                          =>         0b     20.1Kb     20.1Kb     10.0KB
 *      127.0.0.1:9999                           <=         0b         0b         0b         0B
 *      (other)                                  =>       116b     1.98Kb     1.98Kb     0.99KB
 *      (2 conversations)                        <=         0b         0b         0b         0B
 * --------------------------------------------------------------------------------------------
 * Total send rate:                                       116b     26.2Kb     26.2Kb
 * ...
 * Cumulative (sent/received/total):                    13.1KB         0B     13.1KB
 * Capture: received 120, dropped by kernel 3, dropped by interface 1, rejected 7
 * ============================================================================================
 * }</pre>
 *
 * <p>In packets ({@code -u packets}) the peak line stays in bytes, the only peak the snapshot
 * carries. Thread-safe if the namers are.
 */
public final class TextRenderer {
  /** iftop's {@code PRINT_WIDTH}: the host column. */
  private static final int HOST_WIDTH = 40;
  /** The divider lines. */
  private static final int LINE_WIDTH = HOST_WIDTH + 52;
  /** {@code snprintf(label, PRINT_WIDTH, "%-*s", PRINT_WIDTH, ...)} keeps one character less. */
  private static final int HEADING_WIDTH = HOST_WIDTH - 1;
  /** {@code snprintf(labellong, PRINT_WIDTH + 9, ...)} keeps 48 characters. */
  private static final int TOTALS_LABEL_WIDTH = HOST_WIDTH + 8;
  private static final String OTHER_LABEL = "(other)";

  private final Units units;
  private final EndpointNames names;

  public TextRenderer(Units units, HostNamer hosts, ServiceNamer services) {
    this.units = units;
    this.names = new EndpointNames(hosts, services);
  }

  /** The line iftop prints once, before the first block: {@code Listening on eth0}. */
  public static String listening(String source) {
    return "Listening on " + Printable.of(source) + "\n";
  }

  /** A console's first line, in place of iftop's: it is attaching to an agent or the collector. */
  public static String connecting(String target) {
    return "Connecting to " + target + "\n";
  }

  /** When the first view comes, and again after each reconnection. */
  public static String connected(String target) {
    return "Connected to " + target + "\n";
  }

  /** One block of a local capture or an agent's view: {@link #render(Snapshot, boolean)} with no node line. */
  public String render(Snapshot snapshot) {
    return render(snapshot, false);
  }

  /**
   * One block, from the heading to the closing {@code ====} line and the blank line after it.
   *
   * @param cluster a view of the cluster (the collector's): its {@code Nodes:} line is printed even
   *     before any node reports
   */
  public String render(Snapshot snapshot, boolean cluster) {
    return render(snapshot, cluster, null);
  }

  /**
   * With a relay's summary ({@code RelaySummary}), said on a {@code Relay:} line after the nodes':
   * which shards answered, and how exact the rows are.
   */
  public String render(Snapshot snapshot, boolean cluster, String relay) {
    StringBuilder out = new StringBuilder(LINE_WIDTH * (12 + 2 * snapshot.rows().size()));
    out.append("   # ").append(padRight("Host name (port/service if enabled)", HEADING_WIDTH)).append("    ");
    for (String heading : new String[] {"last 2s", "last 10s", "last 40s", "cumulative"}) {
      out.append(' ').append(padLeft(heading, 10));
    }
    out.append('\n');
    divider(out, '-');

    int number = 0;
    for (Row row : snapshot.rows()) {
      number++;
      out.append(String.format("%4d ", number));
      rowLine(out, hostColumn(row, row.left()), " =>", row.sent());
      out.append("     ");
      rowLine(out, hostColumn(row, row.right()), " <=", row.received());
    }
    Row other = snapshot.other();
    if (other != null) {
      out.append("     ");
      rowLine(out, hostColumn(OTHER_LABEL, "", false), " =>", other.sent());
      out.append("     ");
      String conversations = other.conversations() == 1 ? "(1 conversation)" : "(" + other.conversations() + " conversations)";
      rowLine(out, hostColumn(conversations, "", false), " <=", other.received());
    }
    divider(out, '-');

    Totals totals = snapshot.totals();
    Rates sent = units.rates(totals.sent());
    Rates received = units.rates(totals.received());
    totalsLine(out, "Total send rate:", sent);
    totalsLine(out, "Total receive rate:", received);
    totalsLine(out, "Total send and receive rate:", sent.plus(received));
    divider(out, '-');

    // iftop keeps the peak of one 2 s slot in an int and divides by 2 in integers: whole bytes.
    Units peakUnits = units == Units.PACKETS ? Units.BYTES : units;
    label(out, "Peak rate (sent/received/total):");
    out.append(' ').append(padLeft(peakUnits.rate(Math.floor(totals.sent().peakBytesPerSecond())), 10));
    out.append(' ').append(padLeft(peakUnits.rate(Math.floor(totals.received().peakBytesPerSecond())), 10));
    out.append(' ').append(padLeft(peakUnits.rate(Math.floor(totals.peakTotalBytesPerSecond())), 10));
    out.append('\n');
    label(out, "Cumulative (sent/received/total):");
    out.append(' ').append(padLeft(units.cumulative(totals.sent()), 10));
    out.append(' ').append(padLeft(units.cumulative(totals.received()), 10));
    out.append(' ').append(padLeft(units.cumulative(totals.sent().plus(totals.received())), 10));
    out.append('\n');

    CaptureCounters c = snapshot.counters();
    out.append("Capture: received ").append(c.received())
        .append(", dropped by kernel ").append(c.droppedByKernel())
        .append(", dropped by interface ").append(c.droppedByInterface())
        .append(", rejected ").append(c.rejected())
        .append('\n');
    if (cluster || !snapshot.nodes().isEmpty()) {
      out.append("Nodes: ").append(NodeSummary.of(snapshot.nodes())).append('\n');
    }
    if (relay != null) {
      out.append("Relay: ").append(relay).append('\n');
    }

    divider(out, '=');
    out.append('\n');
    return out.toString();
  }

  /** {@code %s%s} then {@code " %10s"} for each window and the cumulative figure. */
  private void rowLine(StringBuilder out, String hostColumn, String arrow, Traffic traffic) {
    out.append(hostColumn).append(arrow);
    Rates rates = units.rates(traffic);
    for (Window window : Window.values()) {
      out.append(' ').append(padLeft(units.rate(rates.get(window)), 10));
    }
    out.append(' ').append(padLeft(units.cumulative(traffic), 10)).append('\n');
  }

  private void totalsLine(StringBuilder out, String text, Rates rates) {
    label(out, text);
    for (Window window : Window.values()) {
      out.append(' ').append(padLeft(units.rate(rates.get(window)), 10));
    }
    out.append('\n');
  }

  private String hostColumn(Row row, Endpoint endpoint) {
    return names.column(row, endpoint, HOST_WIDTH);
  }

  /** iftop's {@code sprint_host} in {@value #HOST_WIDTH} columns (see {@link EndpointNames#column}). */
  static String hostColumn(String host, String service, boolean bracketed) {
    return EndpointNames.column(host, service, bracketed, HOST_WIDTH);
  }

  private static void label(StringBuilder out, String text) {
    out.append(padRight(text, TOTALS_LABEL_WIDTH));
  }

  private static void divider(StringBuilder out, char c) {
    out.append(String.valueOf(c).repeat(LINE_WIDTH)).append('\n');
  }

  private static String padRight(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }

  private static String padLeft(String text, int width) {
    return text.length() >= width ? text : " ".repeat(width - text.length()) + text;
  }
}
