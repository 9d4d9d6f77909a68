package io.clustertop.relay;

import static io.clustertop.relay.Shards.SECOND;
import static io.clustertop.relay.Shards.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.CollectorServer;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.PortDisplay;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ShardStatus;
import io.clustertop.proto.v1.SortOrder;
import io.clustertop.proto.v1.Traffic;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The relay against the truth: two collectors (shards) on 127.0.0.1, each fed by the agents of its
 * own nodes, and a third collector fed every agent's same messages; the relay over the two must show,
 * for every grouping, exactly the rows, "other" and totals the third shows. Traffic between nodes
 * stays within a shard (which addresses are nodes is each shard's own knowledge until the node
 * records of issue 14 are read by every shard); traffic to one internet host comes from both shards,
 * so its rows by remote, port and class add up across them.
 */
class RelayTest {
  private Shards shards;
  private CollectorServer a;
  private CollectorServer b;
  private CollectorServer single;
  private RelayServer relay;
  private final List<Watcher> watchers = new ArrayList<>();

  @BeforeEach
  void feed() throws Exception {
    shards = new Shards();
    a = shards.collector(0);
    b = shards.collector(0);
    single = shards.collector(0);
    Shards.Agent n1 = shards.agent("n1", 1, "10.77.0.1", a, single);
    Shards.Agent n2 = shards.agent("n2", 2, "10.77.0.2", a, single);
    Shards.Agent n3 = shards.agent("n3", 3, "10.77.0.3", b, single);
    Shards.Agent n4 = shards.agent("n4", 4, "10.77.0.4", b, single);
    for (int s = 1; s <= 6; s++) {
      long end = T0 + s * SECOND;
      n1.batch(end, n1.flow("10.77.0.2", 40001, 5432, 7_000L * s, 3_000),
          n1.flow("203.0.113.7", 40002, 443, 1_100, 52_000L + s));
      n2.batch(end, n2.flow("10.77.0.1", 5432, 40001, 3_000, 7_000L * s),
          n2.flow("203.0.113.9", 40003, 443, 900L * s, 4_000));
    }
    sendSecondShard(n3, n4);
    shards.clock.set(T0 + 7 * SECOND + SECOND / 2); // the slots up to T0 + 6 s are complete
  }

  /** The second shard's nodes' six seconds: between them, and to the internet hosts the first's talk to. */
  private static void sendSecondShard(Shards.Agent n3, Shards.Agent n4) {
    for (int s = 1; s <= 6; s++) {
      long end = T0 + s * SECOND;
      n3.batch(end, n3.flow("203.0.113.7", 40004, 443, 2_300, 81_000L - s),
          n3.flow("10.77.0.4", 40005, 8080, 15_000, 600L * s));
      n4.batch(end, n4.flow("10.77.0.3", 8080, 40005, 600L * s, 15_000),
          n4.flow("203.0.113.9", 40006, 53, 310, 730L * s));
    }
  }

  @AfterEach
  void stop() {
    watchers.forEach(Watcher::close);
    if (relay != null) {
      relay.stop();
    }
    shards.close();
  }

  private RelayServer relay(int factor, CollectorServer... to) throws Exception {
    return relay(factor, RelayOptions.DEFAULT_MAX_VIEWS, to);
  }

  private RelayServer relay(int factor, int maxViews, CollectorServer... to) throws Exception {
    List<String> addresses = new ArrayList<>();
    for (CollectorServer c : to) {
      addresses.add(Shards.address(c));
    }
    relay = new RelayServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new RelayOptions(addresses, factor, RelayOptions.DEFAULT_LATE_NANOS, maxViews), InsecureChannelCredentials.create())
        .start();
    return relay;
  }

  private Watcher watch(int port, WatchRequest request) {
    Watcher w = new Watcher(port, request);
    watchers.add(w);
    return w;
  }

  private static WatchRequest request(Grouping grouping) {
    return WatchRequest.newBuilder().setGrouping(grouping).setLimit(50).build();
  }

  static List<WatchRequest> everyView() {
    List<WatchRequest> out = new ArrayList<>();
    for (Grouping g : List.of(Grouping.HOST_PAIRS, Grouping.NODES, Grouping.REMOTE_ADDRESSES, Grouping.PORTS,
        Grouping.DESTINATION_CLASSES)) {
      out.add(request(g));
    }
    out.add(request(Grouping.HOST_PAIRS).toBuilder().setPorts(PortDisplay.PORTS_ON).build());
    out.add(request(Grouping.HOST_PAIRS).toBuilder().setHideSource(true).build());
    out.add(request(Grouping.HOST_PAIRS).toBuilder().setHideDestination(true).setSort(SortOrder.LAST_2S).build());
    out.add(request(Grouping.REMOTE_ADDRESSES).toBuilder().setSort(SortOrder.DESTINATION).build());
    out.add(request(Grouping.HOST_PAIRS).toBuilder().setNode("n3").build());
    out.add(request(Grouping.PORTS).toBuilder().addPortsFilter(443).build());
    return out;
  }

  @Test
  void theRelayShowsWhatOneCollectorShowsForEveryView() throws Exception {
    relay(4, a, b);
    for (WatchRequest request : everyView()) {
      ViewSnapshot merged = watch(relay.port(), request).next();
      ViewSnapshot truth = watch(single.port(), request).next();
      assertSameView(truth, merged, request.toString());
      assertEquals(ViewServer.VIEW_SERVER_RELAY, merged.getServer());
      assertTrue(merged.getRelay().getExact(), "no shard cut: exact, " + request);
      assertEquals(List.of(true, true), merged.getRelay().getShardsList().stream().map(ShardStatus::getAnswering).toList());
    }
    // a stream to every shard per distinct view (identical ones share it: viewsPastTheLimitAreRefused)
    assertEquals(everyView().size(), relay.upstreams());
  }

  @Test
  void everyFrameAfterwardsToo() throws Exception {
    relay(4, a, b);
    WatchRequest request = request(Grouping.REMOTE_ADDRESSES);
    Watcher merged = watch(relay.port(), request);
    Watcher truth = watch(single.port(), request);
    merged.next();
    truth.next();
    for (int slot = 1; slot <= 3; slot++) {
      shards.clock.addAndGet(2 * SECOND);
      shards.publish();
      long time = T0 + (6 + 2 * slot) * SECOND;
      assertSameView(truth.next(s -> s.getTimeUnixNanos() == time), merged.next(s -> s.getTimeUnixNanos() == time),
          "slot " + slot);
    }
  }

  /**
   * K = N = 2 rows asked of shards holding more: they cut, and the merged rows may miss what a shard
   * cut. The bound said on the view holds: each row shown is at most that far below its true rate,
   * every row not shown at most that far above the last one shown; rows and "other" still add up to
   * the exact totals.
   */
  @Test
  void aShardThatCutsRowsBoundsTheError() throws Exception {
    relay(1, a, b);
    for (Grouping g : List.of(Grouping.HOST_PAIRS, Grouping.REMOTE_ADDRESSES, Grouping.PORTS, Grouping.NODES)) {
      WatchRequest request = WatchRequest.newBuilder().setGrouping(g).setLimit(2).build();
      ViewSnapshot merged = watch(relay.port(), request).next();
      ViewSnapshot truth = watch(single.port(), request.toBuilder().setLimit(50).build()).next();
      // a shard cut when it had more than K rows (by port, the first shard has exactly two; by node,
      // each has its two nodes: not cut)
      assertEquals(switch (g) {
        case PORTS -> List.of(false, true);
        case NODES -> List.of(false, false);
        default -> List.of(true, true);
      },
          merged.getRelay().getShardsList().stream().map(ShardStatus::getCut).toList(), g + ": which shards cut");
      assertEquals(2, merged.getRelay().getShardLimit());
      double bound = merged.getRelay().getBoundBytesPerSecond();
      Map<String, Row> truthRows = byKey(truth);
      Map<String, Row> shown = byKey(merged);
      assertEquals(2, shown.size());
      double lastShown = rate(merged.getRows(1));
      for (Map.Entry<String, Row> e : truthRows.entrySet()) {
        Row row = shown.get(e.getKey());
        double real = rate(e.getValue());
        if (row != null) {
          assertTrue(real - rate(row) <= bound + 1e-9, g + " " + e.getKey() + ": " + real + " vs " + rate(row)
              + " within " + bound);
        } else {
          assertTrue(real <= lastShown + bound + 1e-9, g + " " + e.getKey() + " not shown: " + real);
        }
      }
      // the bound is the sum of the K-th 10 s rates of the shards that cut (3 slots, 6 s): the first
      // shard's 2nd, n1-n2 (7,000 x 21 + 3,000 x 6) / 6 = 27,500 B/s; the second's, n3-n4
      // (15,000 x 6 + 600 x 21) / 6 = 17,100 B/s. By node nothing was cut: exact
      assertEquals(g == Grouping.NODES, merged.getRelay().getExact(), g + ": exact");
      assertEquals(switch (g) {
        case PORTS -> 17_100.0;
        case NODES -> 0.0;
        default -> 27_500.0 + 17_100.0;
      }, bound, g + ": bound");
      if (merged.getRelay().getExact()) {
        assertEquals(new ArrayList<>(truthRows.keySet()).subList(0, 2), new ArrayList<>(shown.keySet()), g + " exact");
      }
      assertRowsAddUp(merged, truth);
    }
  }

  /** The rows by node: each node on one shard, whose rows a shard cuts only below its K-th: exact here. */
  @Test
  void rowsByNodeLiveOnOneShard() throws Exception {
    relay(1, a, b);
    WatchRequest request = WatchRequest.newBuilder().setGrouping(Grouping.NODES).setLimit(1).build();
    ViewSnapshot merged = watch(relay.port(), request).next();
    ViewSnapshot truth = watch(single.port(), request).next();
    assertTrue(merged.getRelay().getShardsList().stream().allMatch(ShardStatus::getCut));
    // the busiest node beats the other shard's first (its K-th) by more than that: exact, and the same row
    assertTrue(merged.getRelay().getExact());
    assertSameView(truth, merged, "nodes, limit 1");
  }

  @Test
  void aShardDownIsSaidAndItsReturnMakesTheViewWholeAgain() throws Exception {
    relay(4, a, b);
    WatchRequest request = request(Grouping.REMOTE_ADDRESSES);
    Watcher merged = watch(relay.port(), request);
    Watcher truth = watch(single.port(), request);
    merged.next();
    truth.next();
    int port = b.port();
    b.stop();
    shards.collectors.remove(b);
    shards.clock.addAndGet(2 * SECOND);
    shards.publish();
    ViewSnapshot without = merged.next(s -> !s.getRelay().getShards(1).getAnswering());
    ShardStatus down = without.getRelay().getShards(1);
    assertEquals("127.0.0.1:" + port, down.getAddress());
    assertFalse(down.getProblem().isEmpty(), "why it does not answer");
    assertTrue(without.getRelay().getShards(0).getAnswering());
    assertEquals(Set.of("n1", "n2"), without.getNodesList().stream().map(n -> n.getNode()).collect(Collectors.toSet()),
        "only the answering shard's nodes");
    assertTrue(relay.metrics().shardsDown() >= 1);

    // back on its port, its agents sending again from where they were (a new collector: their full history)
    b = shards.collector(port);
    sendSecondShard(shards.agent("n3", 3, "10.77.0.3", b), shards.agent("n4", 4, "10.77.0.4", b));
    // the relay opens its stream to the shard again after a backoff (up to 10 s): publish a slot
    // every 200 ms of real time until a merged view has it
    ViewSnapshot whole = null;
    long deadline = System.nanoTime() + 30 * SECOND;
    while (whole == null && System.nanoTime() < deadline) {
      Thread.sleep(200);
      shards.clock.addAndGet(2 * SECOND);
      shards.publish();
      long time = shards.clock.get();
      ViewSnapshot next = merged.next(s -> s.getTimeUnixNanos() > time - 3 * SECOND);
      if (next.getRelay().getShards(1).getAnswering()) {
        whole = next;
        // the shard that came back took its six seconds late, seconds of the clock after they ended,
        // and a collector files late slots as it can (docs/RATIONALE.md, "Peaks in kept views"): its
        // windows are its own, so here the figures since the start are compared, not rates and peaks
        assertSameView(truth.next(s -> s.getTimeUnixNanos() == next.getTimeUnixNanos()), whole, "after the return",
            false);
      }
    }
    assertTrue(whole != null, "the shard answers again");
  }

  /** A node filter each shard applies to its own part of a row: the view does not claim to be exact. */
  @Test
  void aNodeFilterIsNotCalledExact() throws Exception {
    relay(4, a, b);
    WatchRequest request = request(Grouping.REMOTE_ADDRESSES).toBuilder().addNodesFilter("n1").build();
    ViewSnapshot merged = watch(relay.port(), request).next();
    assertFalse(merged.getRelay().getExact());
    assertEquals(0.0, merged.getRelay().getBoundBytesPerSecond());
    // 203.0.113.7: n1's part (shard a) passes, n3's (shard b) does not; one collector shows it whole
    Row partial = merged.getRowsList().stream()
        .filter(r -> r.getRight().getAddress().equals(io.clustertop.collector.AgentMessages.ip("203.0.113.7")))
        .findFirst().orElseThrow();
    assertEquals(List.of("n1"), partial.getNodesList());
    assertEquals(6 * 1_100L, partial.getSent().getBytes());
  }

  /** Past --max-views distinct views a new one is refused and counted; a view already served is shared. */
  @Test
  void viewsPastTheLimitAreRefused() throws Exception {
    relay(4, 1, a, b);
    watch(relay.port(), request(Grouping.NODES)).next();
    watch(relay.port(), request(Grouping.NODES)).next();
    Watcher refused = watch(relay.port(), request(Grouping.PORTS));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.end.get(10, java.util.concurrent.TimeUnit.SECONDS).getCode());
    assertEquals(1, relay.metrics().viewsRefused());
    assertEquals(1, relay.upstreams());
  }

  /** No shard reachable: a view with no figures says so at once, rather than nothing at all. */
  @Test
  void noShardAnsweringIsSaidAtOnce() throws Exception {
    int gone = a.port();
    a.stop();
    shards.collectors.remove(a);
    relay = new RelayServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new RelayOptions(List.of("127.0.0.1:" + gone), 4, RelayOptions.DEFAULT_LATE_NANOS),
        InsecureChannelCredentials.create()).start();
    ViewSnapshot none = watch(relay.port(), request(Grouping.NODES)).next();
    assertFalse(none.getRelay().getShards(0).getAnswering());
    assertTrue(none.getRelay().getShards(0).getProblem().startsWith("unreachable"), none.getRelay().toString());
    assertEquals(0, none.getRowsCount());
    assertEquals(0, none.getTotals().getSent().getBytes());
    assertTrue(none.getTimeUnixNanos() > 0, "as of a slot of the clock");
  }

  @Test
  void agentGroupingsAreRefused() throws Exception {
    relay(4, a, b);
    Watcher w = watch(relay.port(), request(Grouping.PROCESSES));
    assertEquals(Status.Code.INVALID_ARGUMENT, w.end.get(10, java.util.concurrent.TimeUnit.SECONDS).getCode());
  }

  // comparisons

  /** Exactly one collector's figures: rows in order, "other", totals, counters, nodes, cost so far. */
  /** The nodes of each shard in these tests: a row of one shard's nodes has its peak exactly. */
  private static final List<Set<String>> SHARDS = List.of(Set.of("n1", "n2"), Set.of("n3", "n4"));

  static void assertSameView(ViewSnapshot truth, ViewSnapshot merged, String what) {
    assertSameView(truth, merged, what, true);
  }

  static void assertSameView(ViewSnapshot truth, ViewSnapshot merged, String what, boolean windows) {
    assertSameView(truth, merged, what, windows, SHARDS);
  }

  /**
   * @param windows rates and peaks (of rows from one shard) compared too; else the figures since the start
   * @param shards each shard's nodes
   */
  static void assertSameView(ViewSnapshot truth, ViewSnapshot merged, String what, boolean windows,
      List<Set<String>> shards) {
    assertEquals(truth.getTimeUnixNanos(), merged.getTimeUnixNanos(), what + ": slot");
    assertEquals(truth.getSource(), merged.getSource(), what);
    if (windows) {
      assertEquals(keys(truth), keys(merged), what + ": rows in order");
    } else { // the order is by a rate
      assertEquals(keys(truth).stream().sorted().toList(), keys(merged).stream().sorted().toList(), what + ": rows");
    }
    Map<String, Row> rows = byKey(merged);
    for (Row t : truth.getRowsList()) {
      assertSameRow(t, rows.get(key(t)), what + " " + key(t), windows, shards);
    }
    assertEquals(truth.hasOther(), merged.hasOther(), what + ": other");
    if (truth.hasOther()) {
      assertSameRow(truth.getOther(), merged.getOther(), what + " other", windows, shards);
    }
    assertSameTraffic(truth.getTotals().getSent(), merged.getTotals().getSent(), what + " total sent", windows, false);
    assertSameTraffic(truth.getTotals().getReceived(), merged.getTotals().getReceived(), what + " total received",
        windows, false);
    assertEquals(truth.getCounters(), merged.getCounters(), what);
    assertEquals(truth.getConversations(), merged.getConversations(), what);
    assertEquals(truth.getNodesList().stream().map(n -> n.getNode()).sorted().toList(),
        merged.getNodesList().stream().map(n -> n.getNode()).sorted().toList(), what + ": nodes");
    assertEquals(truth.getCurrency(), merged.getCurrency(), what);
    assertEquals(truth.hasCost(), merged.hasCost(), what + ": cost");
    if (truth.hasCost()) {
      assertEquals(new BigDecimal(truth.getCost().getSoFar()), new BigDecimal(merged.getCost().getSoFar()), what);
    }
    assertEquals(truth.getCompletedSlots(), merged.getCompletedSlots(), what);
  }

  /**
   * Every figure the same, exactly; but the peak of a row that two shards add up (the highest of its
   * parts' is a lower bound), and the cost per hour (a sum of doubles in another order: within 1e-9).
   */
  private static void assertSameRow(Row t, Row m, String what, boolean windows, List<Set<String>> shards) {
    assertTrue(m != null, what + ": missing");
    assertEquals(t.getLeft(), m.getLeft(), what);
    assertEquals(t.getRight(), m.getRight(), what);
    assertEquals(t.getProtocol(), m.getProtocol(), what);
    assertEquals(t.getConversations(), m.getConversations(), what);
    assertEquals(t.getNodesList(), m.getNodesList(), what);
    assertEquals(t.getDestinationClass(), m.getDestinationClass(), what);
    boolean oneShard = shards.stream().anyMatch(nodes -> nodes.containsAll(t.getNodesList()));
    assertSameTraffic(t.getSent(), m.getSent(), what + " sent", windows, oneShard);
    assertSameTraffic(t.getReceived(), m.getReceived(), what + " received", windows, oneShard);
    assertEquals(t.hasCost(), m.hasCost(), what + ": cost");
    if (t.hasCost()) {
      assertEquals(new BigDecimal(t.getCost().getSoFar()), new BigDecimal(m.getCost().getSoFar()), what + " cost");
      if (windows) {
        assertEquals(t.getCost().getPerHour10S(), m.getCost().getPerHour10S(), 1e-9 * t.getCost().getPerHour10S(), what);
        assertEquals(t.getCost().getPerHour40S(), m.getCost().getPerHour40S(), 1e-9 * t.getCost().getPerHour40S(), what);
      }
    }
  }

  /** @param peak the peak the same (a row of one shard), else a lower bound */
  private static void assertSameTraffic(Traffic t, Traffic m, String what, boolean windows, boolean peak) {
    assertEquals(t.getBytes(), m.getBytes(), what + " bytes");
    assertEquals(t.getPackets(), m.getPackets(), what + " packets");
    if (!windows) {
      return;
    }
    assertEquals(t.getBytesPerSecond(), m.getBytesPerSecond(), what + " rates");
    assertEquals(t.getPacketsPerSecond(), m.getPacketsPerSecond(), what + " packet rates");
    if (peak) {
      assertEquals(t.getPeakBytesPerSecond(), m.getPeakBytesPerSecond(), what + " peak");
    } else {
      assertTrue(m.getPeakBytesPerSecond() <= t.getPeakBytesPerSecond(), what + " peak: a lower bound");
    }
  }

  private static void assertRowsAddUp(ViewSnapshot merged, ViewSnapshot truth) {
    long sent = merged.getOther().getSent().getBytes();
    long received = merged.getOther().getReceived().getBytes();
    for (Row r : merged.getRowsList()) {
      sent += r.getSent().getBytes();
      received += r.getReceived().getBytes();
    }
    assertEquals(truth.getTotals().getSent().getBytes(), merged.getTotals().getSent().getBytes());
    assertEquals(truth.getTotals().getReceived().getBytes(), merged.getTotals().getReceived().getBytes());
    long truthSent = truth.getOther().getSent().getBytes();
    long truthReceived = truth.getOther().getReceived().getBytes();
    for (Row r : truth.getRowsList()) {
      truthSent += r.getSent().getBytes();
      truthReceived += r.getReceived().getBytes();
    }
    assertEquals(truthSent, sent, "rows and other, sent");
    assertEquals(truthReceived, received, "rows and other, received");
  }

  private static double rate(Row r) {
    return r.getSent().getBytesPerSecond().getLast10S() + r.getReceived().getBytesPerSecond().getLast10S();
  }

  private static List<String> keys(ViewSnapshot s) {
    return s.getRowsList().stream().map(RelayTest::key).toList();
  }

  private static Map<String, Row> byKey(ViewSnapshot s) {
    Map<String, Row> out = new LinkedHashMap<>();
    for (Row r : s.getRowsList()) {
      out.put(key(r), r);
    }
    return out;
  }

  private static String key(Row r) {
    return io.clustertop.proto.ViewWire.fromProto(r).key().toString();
  }
}
