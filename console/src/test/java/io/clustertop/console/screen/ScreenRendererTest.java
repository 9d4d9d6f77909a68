package io.clustertop.console.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.names.EndpointNames;
import io.clustertop.console.names.NumericHostNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.console.status.Attachment;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.ViewOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a known snapshot draws: lines, columns, bar lengths on a known scale, units, at several sizes. */
class ScreenRendererTest {
  private static final CaptureCounters NO_COUNTERS = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final EndpointNames NAMES = new EndpointNames(new NumericHostNamer(), ServiceNamer.numeric());

  /** 1000 bytes/s sent (7.81Kb), 250 bytes/s received, over every window. */
  private static Row row(String left, String right) {
    return new Row(new Endpoint(IpAddress.parse(left), Endpoint.NO_PORT), new Endpoint(IpAddress.parse(right), Endpoint.NO_PORT),
        -1, traffic(20_000, 1000), traffic(5_000, 250), 1);
  }

  private static Traffic traffic(long bytes, double perSecond) {
    Rates r = new Rates(perSecond, perSecond, perSecond);
    return new Traffic(bytes, bytes / 100, r, new Rates(perSecond / 100, perSecond / 100, perSecond / 100), perSecond);
  }

  private static Snapshot snapshot(List<Row> rows, List<NodeState> nodes) {
    Traffic sent = Traffic.ZERO;
    Traffic received = Traffic.ZERO;
    for (Row r : rows) {
      sent = sent.plus(r.sent());
      received = received.plus(r.received());
    }
    return new Snapshot(0, "eth0", rows, null, new Totals(sent, received, 1250), NO_COUNTERS, rows.size(), nodes);
  }

  private static DisplayState state() {
    return new DisplayState(ViewOptions.defaults(), false, false);
  }

  private static List<ScreenLine> render(Snapshot s, DisplayState state, Units units, BarScale scale, Overlay overlay, int w, int h) {
    return new ScreenRenderer(units, Glyphs.ASCII).render(s, null, state, NAMES, scale, overlay, w, h);
  }

  /** A collector's rows by destination class: internet from n1 and n2, same-zone from n1, and "other". */
  private static Snapshot classes() {
    Row internet = classRow("n1,n2", "internet", List.of("n1", "n2"));
    Row sameZone = classRow("n1", "same-zone", List.of("n1"));
    Row other = new Row(new Endpoint(null, Endpoint.NO_PORT), new Endpoint(null, Endpoint.NO_PORT), -1,
        traffic(20_000, 1000), traffic(5_000, 250), 2);
    NodeState n1 = new NodeState("n1", "", "a1", 1, 0, false, false, 0, NO_COUNTERS);
    Snapshot rows = snapshot(List.of(internet, sameZone, other), List.of(n1));
    return new Snapshot(0, "cluster", List.of(internet, sameZone), other, rows.totals(), NO_COUNTERS, 4, List.of(n1));
  }

  private static Row classRow(String reportedBy, String destinationClass, List<String> nodes) {
    return new Row(new Endpoint(null, Endpoint.NO_PORT, reportedBy),
        new Endpoint(null, Endpoint.NO_PORT).withDestinationClass(destinationClass), -1,
        traffic(20_000, 1000), traffic(5_000, 250), 1, nodes);
  }

  /** Cents from 1 up (12.3456 -> 12.35), three significant digits below, 0 as 0. */
  private static final ViewCost CLASSES_COST = new ViewCost("USD",
      List.of(new ViewCost.Line("internet", "12.3456", 1.5, 1.4), new ViewCost.Line("same-zone", "0.0000000", 0, 0)),
      new ViewCost.Line("(other)", "0.000004500", 0.0000162, 0.0000158),
      new ViewCost.Line("total", "12.345604500", 1.5000162, 1.4000158));

  private static final Overlay CLUSTER = new Overlay(null, "collector:7447 | cluster, by destination class", -1, Attachment.COLLECTOR);

  @Test
  void costAtEightyColumnsOnTheSecondLinesAndAboveTheStatusLine() {
    List<ScreenLine> lines = new ScreenRenderer(Units.BITS, Glyphs.ASCII).render(classes(), CLASSES_COST, state(), NAMES,
        BarScale.pinned(80_000), CLUSTER, 80, 24);
    // the class on the right, the reporting nodes on the left; a row's cost in the right column of its second
    // line (26 characters: the 10 s rate and the cost so far; for "other" only the rate fits)
    assertEquals(List.of(
            "n1,n2                      => internet                   7.81Kb  7.81Kb  7.81Kb",
            " n1,n2                     <= 1.50/h, 12.35 so far       1.95Kb  1.95Kb  1.95Kb",
            "n1                         => same-zone                  7.81Kb  7.81Kb  7.81Kb",
            " n1                        <= 0/h, 0 so far              1.95Kb  1.95Kb  1.95Kb",
            "(other)                    => (2 conversations)          7.81Kb  7.81Kb  7.81Kb",
            "                           <= 0.0000162/h                1.95Kb  1.95Kb  1.95Kb"),
        lines.subList(2, 8).stream().map(l -> l.text().stripTrailing()).toList());
    assertEquals("cost (USD): 1.50/h at 10 s, 1.40/h at 40 s, 12.35 so far", lines.get(18).text().stripTrailing());
    assertEquals("collector:7447 | cluster, by destination class", lines.get(19).text().stripTrailing());
    assertEquals("-".repeat(80), lines.get(20).text());
  }

  @Test
  void costAtTwoHundredColumnsShowsBothRates() {
    List<ScreenLine> lines = new ScreenRenderer(Units.BITS, Glyphs.ASCII).render(classes(), CLASSES_COST, state(), NAMES,
        BarScale.pinned(80_000), CLUSTER, 200, 60);
    String figures = "1.95Kb  1.95Kb  1.95Kb";
    // host columns of 86: the right one from column 90 to the figures at 176
    assertEquals("n1,n2" + " ".repeat(82) + "=> internet" + " ".repeat(79) + "7.81Kb  7.81Kb  7.81Kb",
        lines.get(2).text().stripTrailing());
    assertEquals(" n1,n2" + " ".repeat(81) + "<= 1.50/h at 10 s, 1.40/h at 40 s, 12.35 so far" + " ".repeat(43) + figures,
        lines.get(3).text().stripTrailing());
    assertEquals(" n1" + " ".repeat(84) + "<= 0/h at 10 s, 0/h at 40 s, 0 so far" + " ".repeat(53) + figures,
        lines.get(5).text().stripTrailing());
    assertEquals(" ".repeat(87) + "<= 0.0000162/h at 10 s, 0.0000158/h at 40 s, 0.00000450 so far" + " ".repeat(28)
        + figures, lines.get(7).text().stripTrailing());
    assertEquals("cost (USD): 1.50/h at 10 s, 1.40/h at 40 s, 12.35 so far", lines.get(54).text().stripTrailing());
    assertEquals("collector:7447 | cluster, by destination class", lines.get(55).text().stripTrailing());
  }

  @Test
  void oneLineModesHaveNoRowCostButKeepTheTotal() {
    DisplayState state = state();
    state.apply('t');
    List<ScreenLine> lines = new ScreenRenderer(Units.BITS, Glyphs.ASCII).render(classes(), CLASSES_COST, state, NAMES,
        BarScale.pinned(80_000), CLUSTER, 80, 24);
    assertTrue(lines.get(3).text().startsWith("n1                        <=> same-zone "), lines.get(3).text());
    assertFalse(lines.stream().anyMatch(l -> l.text().contains("so far") && !l.text().startsWith("cost (USD)")));
    assertEquals("cost (USD): 1.50/h at 10 s, 1.40/h at 40 s, 12.35 so far", lines.get(18).text().stripTrailing());
  }

  @Test
  void eightyByTwentyFourIsIftopsLayout() {
    List<ScreenLine> lines = render(snapshot(List.of(row("10.0.0.1", "10.0.0.2")), List.of()), state(), Units.BITS,
        BarScale.pinned(80_000), Overlay.NONE, 80, 24);
    assertEquals(24, lines.size());
    assertEquals("                15.6Kb          31.2Kb          46.9Kb          62.5Kb    78.1Kb", lines.get(0).text().stripTrailing());
    assertEquals("+---------------+---------------+---------------+---------------+---------------", lines.get(1).text());
    // host columns of (80 - 24 - 4) / 2 = 26, the arrows, the 2 s, 10 s and 40 s figures at 56, 64, 72
    assertEquals("10.0.0.1                   => 10.0.0.2                   7.81Kb  7.81Kb  7.81Kb", lines.get(2).text().stripTrailing());
    assertEquals("                           <=                            1.95Kb  1.95Kb  1.95Kb", lines.get(3).text().stripTrailing());
    // bars: 8000 bits of 80000 over 80 columns is 8, drawn as 9 reversed cells (iftop's L + 1); 2000 bits: 2 -> 3
    assertEquals(9, lines.get(2).reverse());
    assertEquals(3, lines.get(3).reverse());
    assertEquals("-".repeat(80), lines.get(20).text());
    assertEquals("TX:             cum:   19.5KB   peak:   7.81Kb  rates:   7.81Kb  7.81Kb  7.81Kb", lines.get(21).text().stripTrailing());
    assertEquals("RX:                    4.88KB           1.95Kb           1.95Kb  1.95Kb  1.95Kb", lines.get(22).text().stripTrailing());
    assertEquals("TOTAL:                 24.4KB           9.77Kb           9.77Kb  9.77Kb  9.77Kb", lines.get(23).text().stripTrailing());
  }

  @Test
  void widerTerminalWidensTheHostColumnsAndKeepsTheFiguresAtTheRightEdge() {
    List<ScreenLine> lines = render(snapshot(List.of(row("10.0.0.1", "10.0.0.2")), List.of()), state(), Units.BYTES,
        BarScale.pinned(80_000), Overlay.NONE, 200, 60);
    assertEquals(60, lines.size());
    String first = lines.get(2).text();
    assertEquals(200, first.length());
    assertEquals(87, first.indexOf("=>")); // host column (200 - 28) / 2 = 86, then " => "
    assertEquals(" 0.98KB", first.substring(176, 183)); // 1000 bytes/s with -B, at 200 - 24
    assertEquals(21, lines.get(2).reverse()); // 8000 / 80000 * 200 = 20, plus one
    assertTrue(lines.get(57).text().startsWith("TX:             cum:   19.5KB   peak:   0.98KB"));
  }

  @Test
  void rowsStopAboveTheFooterAndScrollWithJ() {
    List<Row> rows = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      rows.add(row("10.0.0." + i, "192.0.2.1"));
    }
    DisplayState state = state();
    List<ScreenLine> lines = render(snapshot(rows, List.of()), state, Units.BITS, BarScale.pinned(80_000), Overlay.NONE, 80, 24);
    // rows start on lines 2, 4, ... while the start is above line 19 (LINES - 5): 9 rows
    assertTrue(lines.get(18).text().startsWith("10.0.0.9 "));
    assertTrue(lines.get(19).text().startsWith("    ") && lines.get(19).text().contains("<="));
    state.apply('j');
    state.apply('j');
    lines = render(snapshot(rows, List.of()), state, Units.BITS, BarScale.pinned(80_000), Overlay.NONE, 80, 24);
    assertTrue(lines.get(2).text().startsWith("10.0.0.3 "));
  }

  @Test
  void lineModesCumulativeTotalsAndNoBars() {
    DisplayState state = state();
    state.apply('t'); // one line, both directions
    state.apply('T'); // cumulative before the rates
    state.apply('b'); // no bars: a single rule on top
    List<ScreenLine> lines = render(snapshot(List.of(row("10.0.0.1", "10.0.0.2")), List.of()), state, Units.BITS,
        BarScale.pinned(80_000), Overlay.NONE, 80, 24);
    assertEquals("-".repeat(80), lines.get(0).text());
    // host columns of 26 - 4 = 22; "<=>" at 22; cumulative at 48; figures sent + received
    assertEquals("10.0.0.1              <=> 10.0.0.2               24.4KB  9.77Kb  9.77Kb  9.77Kb", lines.get(1).text().stripTrailing());
    assertEquals(0, lines.get(1).reverse());
    assertTrue(lines.get(2).text().isBlank());
  }

  @Test
  void logarithmicScaleMarksPowersOfTen() {
    DisplayState state = state();
    state.apply('L');
    List<ScreenLine> lines = render(snapshot(List.of(row("10.0.0.1", "10.0.0.2")), List.of()), state, Units.BITS,
        BarScale.pinned(1e6), Overlay.NONE, 80, 24);
    // 10, 100, ... 1000000 bits at log(v) / log(1e6) * 80: 13, 26, 40, 53, 66, 80 (off screen), labelled in 1000s
    assertEquals("             10b          100b          1.00Kb       10.0Kb       100Kb   1.00Mb", lines.get(0).text().stripTrailing());
    // 8000 bits: log(8000) / log(1e6) * 80 = 52
    assertEquals(52 + 1, lines.get(2).reverse());
  }

  @Test
  void clusterStatusNodesAndMessage() {
    Row fromNodes = new Row(new Endpoint(IpAddress.parse("10.0.0.1"), Endpoint.NO_PORT, "n1"),
        new Endpoint(IpAddress.parse("10.0.0.2"), Endpoint.NO_PORT, ""), -1,
        traffic(20_000, 1000), traffic(5_000, 250), 1, List.of("n1", "n2"));
    NodeState n1 = new NodeState("n1", "", "a1", 1, 0, false, false, 0, NO_COUNTERS);
    List<ScreenLine> lines = render(snapshot(List.of(fromNodes), List.of(n1)), state(), Units.BITS, BarScale.pinned(80_000),
        new Overlay("Sort by col 1", "collector:7447 | cluster", 0, Attachment.COLLECTOR), 80, 24);
    assertTrue(lines.get(2).text().startsWith("n1/10.0.0.1                => 10.0.0.2"), lines.get(2).text());
    assertTrue(lines.get(3).text().startsWith(" n1,n2                     <="), lines.get(3).text());
    // the selected row, both its lines, and no other
    assertTrue(lines.get(2).selected() && lines.get(3).selected());
    assertFalse(lines.get(1).selected() || lines.get(4).selected());
    assertEquals("collector:7447 | cluster", lines.get(19).text().stripTrailing());
    assertTrue(lines.get(0).text().startsWith(" Sort by col 1 "));
    assertEquals(" Sort by col 1 ".length(), lines.get(0).reverse());
  }

  /** A message is drawn on a clear line: no piece of the scale's figures is left after it. */
  @Test
  void aMessageClearsTheScaleLine() {
    for (boolean bars : new boolean[] {true, false}) {
      DisplayState state = state();
      if (!bars) {
        state.apply('b');
      }
      List<ScreenLine> lines = render(snapshot(List.of(row("10.0.0.1", "10.0.0.2")), List.of()), state, Units.BITS,
          BarScale.pinned(1e9), new Overlay("Grouping: host:port pairs", null, -1, Attachment.COLLECTOR), 100, 30);
      assertEquals(" Grouping: host:port pairs " + " ".repeat(73), lines.get(0).text());
      assertEquals(" Grouping: host:port pairs ".length(), lines.get(0).reverse());
    }
  }

  private static List<String> help(Attachment attachment) {
    DisplayState state = state();
    state.apply('h');
    return render(snapshot(List.of(row("10.0.0.1", "10.0.0.2")), List.of()), state, Units.BITS,
        BarScale.pinned(80_000), new Overlay(null, null, -1, attachment), 80, 24)
        .stream().map(l -> l.text().stripTrailing()).toList();
  }

  /** The help lists the keys that do something where the screen is attached, in iftop's two columns. */
  @Test
  void helpListsTheKeysThatApplyHere() {
    List<String> local = help(Attachment.LOCAL_CAPTURE);
    assertEquals(List.of(
            "Host display:                           General:",
            " n - toggle DNS host resolution          P - pause display",
            " s - toggle show source host             h - toggle this help display",
            " d - toggle show destination host        b - toggle bar graph display",
            " t - cycle line display mode             B - cycle bar graph average",
            "                                         T - toggle cumulative line totals",
            "Port display:                            j/k - scroll display",
            " N - toggle service resolution           f - edit filter code",
            " S - toggle show source port             l - set screen filter",
            " D - toggle show destination port        L - lin/log scales",
            " p - toggle port display                 q - quit",
            "",
            "Sorting:",
            " 1/2/3 - sort by 1st/2nd/3rd column",
            " < - sort by source name",
            " > - sort by dest name",
            " o - freeze current order",
            ""),
        local.subList(2, 20));
    assertFalse(local.stream().anyMatch(l -> l.startsWith("10.0.0.1")), "the help replaces the rows");
    // a file has no capture filter to change; neither has the collector, whose keys are its own
    assertFalse(help(Attachment.LOCAL_FILE).stream().anyMatch(l -> l.contains(" f - ")));
    assertFalse(help(Attachment.LOCAL_FILE).stream().anyMatch(l -> l.contains("Cluster") || l.contains(" g - ")));
    assertTrue(help(Attachment.AGENT).contains(" N - toggle service resolution           f - edit filter code (if allowed)"));
    assertFalse(help(Attachment.AGENT).stream().anyMatch(l -> l.contains("Cluster") || l.contains("enter")));
    List<String> collector = help(Attachment.COLLECTOR);
    assertFalse(collector.stream().anyMatch(l -> l.contains(" f - ")));
    assertEquals(List.of(
            "Port display:                            j/k - scroll (by node: select)",
            " N - toggle service resolution           l - set screen filter",
            " S - toggle show source port             L - lin/log scales",
            " D - toggle show destination port        q - quit",
            " p - toggle port display",
            "                                        Cluster (collector):",
            "Sorting:                                 g - cycle grouping",
            " 1/2/3 - sort by 1st/2nd/3rd column      enter - open the selected node",
            " < - sort by source name                 esc - back to the cluster",
            " > - sort by dest name"),
        collector.subList(8, 18));
    // not yet known (before a remote screen's first snapshot): every key that may apply
    List<String> remote = help(Attachment.REMOTE);
    assertTrue(remote.stream().anyMatch(l -> l.contains(" f - edit filter code")));
    assertTrue(remote.stream().anyMatch(l -> l.contains(" enter - open the selected node")));
  }

  @Test
  void beforeTheFirstSnapshot() {
    List<ScreenLine> lines = render(null, state(), Units.BITS, BarScale.following(), Overlay.NONE, 80, 24);
    assertEquals("(waiting for the first report)", lines.get(2).text().stripTrailing());
    assertTrue(lines.get(21).text().isBlank());
  }
}
