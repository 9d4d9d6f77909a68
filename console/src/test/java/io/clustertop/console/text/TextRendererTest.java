package io.clustertop.console.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clustertop.console.names.NumericHostNamer;
import io.clustertop.console.names.ServiceNamer;
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
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The renderer against iftop itself: each {@code iftop-*.txt} resource is what iftop 1.0pre4
 * printed ({@code iftop -t -s 4 -i lo ...}, stdout byte for byte) for a known set of UDP
 * datagrams on 127.0.0.1, with iftop's clock stepped by an {@code LD_PRELOAD} shim so that the
 * slots were exact: slot 0 held the burst below, slot 1 one 29-byte datagram 40009 -> 7, and
 * iftop printed when it closed slot 1. The snapshots here hold the same figures; the renderer
 * must print the same bytes, apart from our own "(other)" and "Capture:" lines.
 *
 * <pre>
 *   burst: 10 x 1028 bytes 40001 -> 9999, 3 x 328 bytes 40002 -> 53, 4 x 528 bytes 40003 -> 443
 *   large: 200 x 60028 bytes 40005 -> 5001, 3000 x 1428 bytes 40006 -> 5002
 * </pre>
 */
class TextRendererTest {
  private static final IpAddress LOCALHOST = IpAddress.parse("127.0.0.1");
  private static final int UDP = 17;
  private static final int NO_PROTOCOL = -1;
  private static final CaptureCounters COUNTERS = new CaptureCounters(120, 3, 1, 110, 7, 2, 1, 1, 3, 4, 5, 6);
  private static final String CAPTURE_LINE =
      "Capture: received 120, dropped by kernel 3, dropped by interface 1, rejected 7";

  /** The 29-byte datagram in slot 1. */
  private static final Flow TRIGGER = new Flow(40009, 7, 0, 29, 1);
  private static final List<Flow> BURST = List.of(
      new Flow(40001, 9999, 10 * 1028, 0, 10),
      new Flow(40003, 443, 4 * 528, 0, 4),
      new Flow(40002, 53, 3 * 328, 0, 3),
      TRIGGER);
  private static final List<Flow> LARGE = List.of(
      new Flow(40005, 5001, 200 * 60028, 0, 200),
      new Flow(40006, 5002, 3000 * 1428, 0, 3000),
      TRIGGER);

  /**
   * One conversation's bytes in the two slots iftop had when it printed: the 2 s average is the
   * latest slot over 2 s, the 10 s and 40 s ones both slots over 4 s, as iftop divides a window
   * by the time there has been.
   */
  private record Flow(int sourcePort, int destinationPort, long slot0, long slot1, long packets) {
    Traffic sent() {
      double bytes = slot0 + slot1;
      return new Traffic((long) bytes, packets, new Rates(slot1 / 2.0, bytes / 4, bytes / 4),
          new Rates(0, packets / 4.0, packets / 4.0), Math.max(slot0, slot1) / 2.0);
    }
  }

  @Test
  void portsShownAsNumbers() throws IOException {
    assertMatchesIftop("iftop-ports-numeric.txt", Units.BITS, ServiceNamer.numeric(),
        snapshot(BURST, rows(BURST), null));
  }

  @Test
  void portsShownAsServices() throws Exception {
    assertMatchesIftop("iftop-ports-services.txt", Units.BITS, testServices(),
        snapshot(BURST, rows(BURST), null));
  }

  @Test
  void bytes() throws IOException {
    assertMatchesIftop("iftop-ports-bytes.txt", Units.BYTES, ServiceNamer.numeric(),
        snapshot(BURST, rows(BURST), null));
  }

  @Test
  void hostsOnly() throws IOException {
    Traffic all = total(BURST);
    Row row = new Row(new Endpoint(LOCALHOST, Endpoint.NO_PORT), new Endpoint(LOCALHOST, Endpoint.NO_PORT),
        NO_PROTOCOL, all, Traffic.ZERO, 4);
    assertMatchesIftop("iftop-hosts.txt", Units.BITS, ServiceNamer.numeric(), snapshot(BURST, List.of(row), null));
  }

  /** iftop with {@code hide-source: yes}, {@code port-display: on} and {@code -L 2}: we show the rest as "(other)". */
  @Test
  void hiddenSourceCutToTwoRows() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Flow f : BURST) {
      rows.add(new Row(new Endpoint(null, f.sourcePort()), new Endpoint(LOCALHOST, f.destinationPort()), UDP,
          f.sent(), Traffic.ZERO, 1));
    }
    Row other = new Row(new Endpoint(null, Endpoint.NO_PORT), new Endpoint(null, Endpoint.NO_PORT), NO_PROTOCOL,
        withPeak(rows.get(2).sent().plus(rows.get(3).sent()), Double.NaN), Traffic.ZERO, 2);
    String rendered = assertMatchesIftop("iftop-hidden-source-two-lines.txt", Units.BITS, ServiceNamer.numeric(),
        snapshot(BURST, rows.subList(0, 2), other));
    assertEquals(List.of(
            "     (other)                                  =>       116b     1.98Kb     1.98Kb     0.99KB",
            "     (2 conversations)                        <=         0b         0b         0b         0B"),
        rendered.lines().filter(l -> l.startsWith("     (")).toList());
  }

  @Test
  void hiddenDestinationSourcePortsInBytes() throws IOException {
    List<Row> rows = new ArrayList<>();
    for (Flow f : BURST) {
      rows.add(new Row(new Endpoint(LOCALHOST, f.sourcePort()), new Endpoint(null, Endpoint.NO_PORT), UDP,
          f.sent(), Traffic.ZERO, 1));
    }
    assertMatchesIftop("iftop-hidden-destination-bytes.txt", Units.BYTES, ServiceNamer.numeric(),
        snapshot(BURST, rows, null));
  }

  @Test
  void megabits() throws IOException {
    assertMatchesIftop("iftop-large-bits.txt", Units.BITS, ServiceNamer.numeric(),
        snapshot(LARGE, rows(LARGE), null));
  }

  @Test
  void megabytes() throws IOException {
    assertMatchesIftop("iftop-large-bytes.txt", Units.BYTES, ServiceNamer.numeric(),
        snapshot(LARGE, rows(LARGE), null));
  }

  @Test
  void listeningLine() {
    assertEquals("Listening on eth0\n",
        TextRenderer.listening("eth0"));
  }

  /** Received traffic, an "(other)" row of one conversation, packets, a peak of an odd number of bytes. */
  @Test
  void packetsWithReceivedTrafficAndOther() {
    IpAddress remote = IpAddress.parse("192.0.2.7");
    Traffic sent = new Traffic(5_000_000, 4_000, new Rates(1500, 999.5, 250), new Rates(12.4, 10, 1), 3_000_000);
    Traffic received = new Traffic(2_048, 1_500_000, new Rates(1_234_567, 99_999, 0.4), new Rates(9_999, 1_000, 0.5), 7);
    Row row = new Row(new Endpoint(LOCALHOST, Endpoint.NO_PORT), new Endpoint(remote, Endpoint.NO_PORT), NO_PROTOCOL,
        sent, received, 3);
    Traffic otherSent = new Traffic(100, 1, new Rates(50, 10, 2.5), new Rates(0.5, 0.1, 0.025), Double.NaN);
    Row other = new Row(new Endpoint(null, Endpoint.NO_PORT), new Endpoint(null, Endpoint.NO_PORT), NO_PROTOCOL,
        otherSent, Traffic.ZERO, 1);
    Traffic sentTotal = sent.plus(otherSent);
    Totals totals = new Totals(withPeak(sentTotal, 3_000_000), received, 3_000_000.5);
    Snapshot snapshot = new Snapshot(0, "eth0", List.of(row), other, totals, COUNTERS, 4);

    String text = new TextRenderer(Units.PACKETS, new NumericHostNamer(), ServiceNamer.numeric()).render(snapshot);

    assertEquals("""
           # Host name (port/service if enabled)            last 2s   last 10s   last 40s cumulative
        --------------------------------------------------------------------------------------------
           1 127.0.0.1                                =>        12p        10p         1p     4.00Kp
             192.0.2.7                                <=    10.00Kp     1.00Kp         0p     1.50Mp
             (other)                                  =>         0p         0p         0p         1p
             (1 conversation)                         <=         0p         0p         0p         0p
        --------------------------------------------------------------------------------------------
        Total send rate:                                        13p        10p         1p
        Total receive rate:                                 10.00Kp     1.00Kp         0p
        Total send and receive rate:                         10.0Kp     1.01Kp         2p
        --------------------------------------------------------------------------------------------
        Peak rate (sent/received/total):                     2.86MB         7B     2.86MB
        Cumulative (sent/received/total):                    4.00Kp     1.50Mp     1.50Mp
        Capture: received 120, dropped by kernel 3, dropped by interface 1, rejected 7
        ============================================================================================

        """, text);
  }

  /** Each expected column is what iftop's sprint_host (compiled from ui_common.c) wrote for the same parts. */
  @ParameterizedTest(name = "[{0}] [{1}] bracketed={2}")
  @CsvSource(delimiter = '|', quoteCharacter = '\'', nullValues = "NULL", textBlock = """
      10.0.0.1                                            | ''       | false | '10.0.0.1                                '
      10.0.0.1                                            | :https   | false | '10.0.0.1:https                          '
      10.0.0.1                                            | :8080    | false | '10.0.0.1:8080                           '
      2001:db8::1                                         | ''       | false | '2001:db8::1                             '
      2001:db8::1                                         | :https   | true  | '[2001:db8::1]:https                     '
      NULL                                                | :https   | true  | '[ * ]:https                             '
      NULL                                                | :443     | false | ' * :443                                 '
      NULL                                                | ''       | false | ' *                                      '
      a-very-long-host-name.with.many.labels.example.org  | ''       | false | 'a-very-long-host-name.with.many.labels. '
      a-very-long-host-name.with.many.labels.example.org  | :https   | false | 'a-very-long-host-name.with.many.la:https'
      a-very-long-host-name.with.many.labels.example.org  | :https   | true  | '[a-very-long-host-name.with.many.l:https'
      a-very-long-host-name.with.many.labels.example.org  | :65535   | false | 'a-very-long-host-name.with.many.la:65535'
      abcdefghijklmnopqrstuvwxyz0123456789abc             | ''       | false | 'abcdefghijklmnopqrstuvwxyz0123456789abc '
      abcdefghijklmnopqrstuvwxyz0123456789ab              | :80      | true  | '[abcdefghijklmnopqrstuvwxyz0123456789:80'
      abcdefghijklmnopqrstuvwxyz0123456789                | :80      | true  | '[abcdefghijklmnopqrstuvwxyz0123456789:80'
      abcdefghijklmnopqrstuvwxyz0123456789                | :80      | false | 'abcdefghijklmnopqrstuvwxyz0123456789:80 '
      2001:db8:1234:5678:9abc:def0:1234:5678              | :65535   | true  | '[2001:db8:1234:5678:9abc:def0:1234:65535'
      """)
  void hostColumnAsIftopWritesIt(String host, String service, boolean bracketed, String expected) {
    assertEquals(expected, TextRenderer.hostColumn(host, service, bracketed));
  }

  /** The namers are asked for names and services; IPv6 rows with ports get brackets. */
  @Test
  void namesServicesAndBrackets() throws Exception {
    IpAddress six = IpAddress.parse("2001:db8::1");
    IpAddress otherSix = IpAddress.parse("2001:db8::2");
    Map<IpAddress, String> names = Map.of(six, "a-very-long-host-name.with.many.labels.example.org");
    Row row = new Row(new Endpoint(six, 443), new Endpoint(otherSix, 51000), 6, Traffic.ZERO, Traffic.ZERO, 1);
    Snapshot snapshot = new Snapshot(0, "eth0", List.of(row), null, new Totals(Traffic.ZERO, Traffic.ZERO, 0),
        COUNTERS, 1);

    String text = new TextRenderer(Units.BITS, a -> names.getOrDefault(a, a.toString()), testServices()).render(snapshot);

    assertEquals(List.of(
            "   1 [a-very-long-host-name.with.many.l:https =>         0b         0b         0b         0B",
            "     [2001:db8::2]:51000                      <=         0b         0b         0b         0B"),
        text.lines().skip(2).limit(2).toList());
  }

  /** A cluster view: hosts that are nodes carry the node's name, node rows read as the node, and a node line. */
  @Test
  void clusterRowsNameNodes() {
    IpAddress remote = IpAddress.parse("203.0.113.1");
    Row pair = new Row(new Endpoint(LOCALHOST, Endpoint.NO_PORT, "n1"), new Endpoint(remote, Endpoint.NO_PORT),
        NO_PROTOCOL, Traffic.ZERO, Traffic.ZERO, 1, List.of("n1"));
    Row byNode = new Row(new Endpoint(null, Endpoint.NO_PORT, "n2"), new Endpoint(null, Endpoint.NO_PORT),
        NO_PROTOCOL, Traffic.ZERO, Traffic.ZERO, 1, List.of("n2"));
    NodeState stale = new NodeState("n2", "", "01", 1, 0, true, false, 0, COUNTERS);
    Snapshot snapshot = new Snapshot(0, "cluster", List.of(pair, byNode), null,
        new Totals(Traffic.ZERO, Traffic.ZERO, 0), COUNTERS, 2, List.of(stale));

    String text = new TextRenderer(Units.BITS, new NumericHostNamer(), ServiceNamer.numeric()).render(snapshot);

    assertEquals(List.of(
            "   1 n1/127.0.0.1                             =>         0b         0b         0b         0B",
            "     203.0.113.1                              <=         0b         0b         0b         0B",
            "   2 n2                                       =>         0b         0b         0b         0B",
            "      *                                       <=         0b         0b         0b         0B"),
        text.lines().skip(2).limit(4).toList());
    assertEquals(List.of("Nodes: 1 node: 0 reporting, 1 stale (n2), 1 dropping packets (incomplete) (n2)"),
        text.lines().filter(l -> l.startsWith("Nodes:")).toList());
  }

  /** A collector with no agent yet says so where the node line goes; a node's own view has no node line. */
  @Test
  void aClusterWithoutNodesSaysNoneReportYet() {
    Snapshot empty = new Snapshot(0, "cluster", List.of(), null, new Totals(Traffic.ZERO, Traffic.ZERO, 0), COUNTERS, 0,
        List.of());
    TextRenderer renderer = new TextRenderer(Units.BITS, new NumericHostNamer(), ServiceNamer.numeric());
    List<String> lines = renderer.render(empty, true).lines().toList();
    assertEquals(List.of("Capture: received 120, dropped by kernel 3, dropped by interface 1, rejected 7",
        "Nodes: none reporting yet", "=".repeat(92)), lines.subList(lines.size() - 4, lines.size() - 1));
    assertFalse(renderer.render(empty, false).contains("Nodes:"));
  }

  /** A row by destination class reads as the nodes that reported it and, on its right, the class. */
  @Test
  void classRowsNameTheirClass() {
    Row internet = new Row(new Endpoint(null, Endpoint.NO_PORT, "n1,n2"),
        new Endpoint(null, Endpoint.NO_PORT).withDestinationClass("internet"), NO_PROTOCOL, Traffic.ZERO, Traffic.ZERO,
        3, List.of("n1", "n2"));
    Snapshot snapshot = new Snapshot(0, "cluster", List.of(internet), null, new Totals(Traffic.ZERO, Traffic.ZERO, 0),
        COUNTERS, 3, List.of());

    String text = new TextRenderer(Units.BITS, new NumericHostNamer(), ServiceNamer.numeric()).render(snapshot);

    assertEquals(List.of(
            "   1 n1,n2                                    =>         0b         0b         0b         0B",
            "     internet                                 <=         0b         0b         0b         0B"),
        text.lines().skip(2).limit(2).toList());
  }

  private static String assertMatchesIftop(String resource, Units units, ServiceNamer services, Snapshot snapshot)
      throws IOException {
    TextRenderer renderer = new TextRenderer(units, new NumericHostNamer(), services);
    String rendered = TextRenderer.listening("lo") + renderer.render(snapshot);
    String ours = rendered.lines()
        .filter(l -> !l.equals(CAPTURE_LINE) && !l.startsWith("     ("))
        .collect(Collectors.joining("\n", "", "\n"));
    assertEquals(iftopOutput(resource), ours);
    assertEquals(1, rendered.lines().filter(CAPTURE_LINE::equals).count());
    return rendered;
  }

  private static String iftopOutput(String resource) throws IOException {
    try (InputStream in = TextRendererTest.class.getResourceAsStream(resource)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static ServiceNamer testServices() throws IOException, URISyntaxException {
    return ServiceNamer.load(Path.of(TextRendererTest.class.getResource("/io/clustertop/console/names/services").toURI()));
  }

  private static List<Row> rows(List<Flow> flows) {
    List<Row> rows = new ArrayList<>();
    for (Flow f : flows) {
      rows.add(new Row(new Endpoint(LOCALHOST, f.sourcePort()), new Endpoint(LOCALHOST, f.destinationPort()), UDP,
          f.sent(), Traffic.ZERO, 1));
    }
    return rows;
  }

  /** The totals are the sum of every flow, shown or not; the peak is that of the busiest slot of the sum. */
  private static Snapshot snapshot(List<Flow> flows, List<Row> rows, Row other) {
    Traffic sent = total(flows);
    return new Snapshot(2_004_000, "lo", rows, other, new Totals(sent, Traffic.ZERO, sent.peakBytesPerSecond()),
        COUNTERS, flows.size());
  }

  /** All flows as one: the slot sums, so that the peak is that of the sum, not the largest part. */
  private static Traffic total(List<Flow> flows) {
    long slot0 = 0;
    long slot1 = 0;
    long packets = 0;
    for (Flow f : flows) {
      slot0 += f.slot0();
      slot1 += f.slot1();
      packets += f.packets();
    }
    return new Flow(0, 0, slot0, slot1, packets).sent();
  }

  private static Traffic withPeak(Traffic t, double peak) {
    return new Traffic(t.bytes(), t.packets(), t.bytesPerSecond(), t.packetsPerSecond(), peak);
  }
}
