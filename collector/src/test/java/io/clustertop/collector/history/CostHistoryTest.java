package io.clustertop.collector.history;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.agentId;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.metrics.PrometheusText;
import io.clustertop.collector.LocalViews;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.cost.CostConfigParser;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cost attribution from agents' batches to the history and back, without gRPC: four nodes, two
 * zones and one without, the internet and a named network.
 *
 * <pre>
 *   a 10.77.0.1 (z1) --1000--> b 10.77.0.2 (z1)    same-zone, internal
 *   a --2000--> c 10.77.0.3 (z2),  c --700--> a     cross-zone, internal
 *   a --100--> d 10.77.0.4 (no zone)                unknown-zone, internal
 *   a --3000--> 203.0.113.1, a <--500-- it          internet, egress and ingress
 *   a --4000--> 203.0.113.130                       object-store (named 203.0.113.128/25), egress
 * </pre>
 * Receivers report their side too (b 1000 from a, c 2000 from a, a 700 from c): not counted again.
 */
class CostHistoryTest {
  private static final String A = "10.77.0.1";
  private static final String B = "10.77.0.2";
  private static final String C = "10.77.0.3";
  private static final String D = "10.77.0.4";
  private static final String NET = "203.0.113.1";
  private static final String STORE = "203.0.113.130";

  @TempDir
  Path dir;

  private final AtomicLong clock = new AtomicLong(T0 + SECOND);
  private final CostConfig config = config();
  private MergeStore cluster;
  private LocalAgents agents;
  private HistoryStore store;
  private HistoryRecorder recorder;
  private final Object sa = new Object();
  private final Object sb = new Object();
  private final Object sc = new Object();
  private final Object sd = new Object();

  private static CostConfig config() {
    try {
      return CostConfigParser.parse("network object-store 203.0.113.128/25\nprice object-store egress 0.001\n", "t");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private void startCollector() throws Exception {
    cluster = new MergeStore(clock::get, IngestLimits.defaults(), new CollectorMetrics(), config.classifier());
    agents = new LocalAgents(cluster, IngestLimits.defaults(), new CollectorMetrics(), clock::get);
    store = HistoryStore.open(dir.resolve("history.db"));
    recorder = new HistoryRecorder(cluster, config, store,
        new HistoryOptions(dir.resolve("history.db"), Duration.ofDays(1), 1L << 30, 50), new HistoryMetrics());
    agents.hello(sa, node("a", 1, 1, A, "z1"));
    agents.hello(sb, node("b", 2, 1, B, "z1"));
    agents.hello(sc, node("c", 3, 1, C, "z2"));
    agents.hello(sd, node("d", 4, 1, D, ""));
  }

  private static Hello node(String name, int id, long epoch, String address, String zone) {
    Hello h = hello(name, id, epoch, address);
    return h.toBuilder().setIdentity(h.getIdentity().toBuilder().setZone(zone).setRegion("r1")).build();
  }

  private static final FlowDelta[] A_FLOWS = {
    flow(A, B, 1000, 1, 0, 0), flow(A, C, 2000, 2, 700, 1), flow(A, D, 100, 1, 0, 0),
    flow(A, NET, 3000, 3, 500, 1), flow(A, STORE, 4000, 4, 0, 0)
  };
  private static final FlowDelta[] B_FLOWS = {flow(B, A, 0, 0, 1000, 1)};
  private static final FlowDelta[] C_FLOWS = {flow(C, A, 700, 1, 2000, 2)};
  private static final FlowDelta[] D_FLOWS = {flow(D, A, 0, 0, 100, 1)};

  private void firstSecond() {
    agents.batch(sa, batch(1, T0 + SECOND, A_FLOWS));
    agents.batch(sb, batch(1, T0 + SECOND, B_FLOWS));
    agents.batch(sc, batch(1, T0 + SECOND, C_FLOWS));
    agents.batch(sd, batch(1, T0 + SECOND, D_FLOWS));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);
  }

  /** What each agent holds after the first second, as it would send it to a restarted collector. */
  private static FullState fullState(FlowDelta... flows) {
    FullState.Builder s = FullState.newBuilder().setSequence(1).setFirstSlotStartUnixNanos(T0);
    long[] sum = new long[4];
    for (FlowDelta f : flows) {
      s.addFlows(FlowState.newBuilder().setKey(f.getKey()).setCumulative(f.getVolume()).addSlots(f.getVolume()));
      sum[0] += f.getVolume().getSent().getBytes();
      sum[1] += f.getVolume().getSent().getPackets();
      sum[2] += f.getVolume().getReceived().getBytes();
      sum[3] += f.getVolume().getReceived().getPackets();
    }
    return s.setTotal(volume(sum[0], sum[1], sum[2], sum[3])).addTotalSlots(volume(sum[0], sum[1], sum[2], sum[3])).build();
  }

  private Map<String, String> byClass() throws Exception {
    CostReport r = store.report(0, CostGrouping.BY_CLASS, "USD");
    return r.getLinesList().stream().collect(Collectors.toMap(CostLine::getKey,
        l -> l.getEgressBytes() + "/" + l.getIngressBytes() + "/" + l.getInternalBytes() + " " + l.getCost(),
        (x, y) -> x, LinkedHashMap::new));
  }

  private static final Map<String, String> FIRST_SECOND = expected(3000);

  /** Bytes egress/ingress/internal and the exact cost at the default prices (0.09 internet, 0.01+0.01 between zones). */
  private static Map<String, String> expected(long internetEgress) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("internet", internetEgress + "/500/0 " + new java.math.BigDecimal(internetEgress).multiply(new java.math.BigDecimal("0.09"))
        .movePointLeft(9).stripTrailingZeros().toPlainString());
    m.put("cross-zone", "0/0/2700 0.000000054");
    m.put("object-store", "4000/0/0 0.000000004");
    m.put("unknown-zone", "0/0/100 0.000000002");
    m.put("same-zone", "0/0/1000 0");
    return m;
  }

  @Test
  void eachClassHoldsItsBytesOnceAndCostsBytesTimesPrice() throws Exception {
    startCollector();
    firstSecond();
    recorder.flush(clock.get());
    assertEquals(FIRST_SECOND, byClass());
    assertEquals("0.00000033", store.report(0, CostGrouping.BY_CLASS, "USD").getTotal().getCost());
    CostReport byNode = store.report(0, CostGrouping.BY_NODE, "USD");
    assertEquals(List.of("a 7000/500/3100 0.000000316", "c 0/0/700 0.000000014"), byNode.getLinesList().stream()
        .map(l -> l.getKey() + " " + l.getEgressBytes() + "/" + l.getIngressBytes() + "/" + l.getInternalBytes() + " "
            + l.getCost()).toList());
    CostReport byService = store.report(0, CostGrouping.BY_SERVICE, "USD");
    assertEquals("tcp/443", byService.getLines(0).getKey());
    assertEquals(byNode.getTotal(), byService.getTotal());
    // each price with the bytes it was charged on, whatever the grouping: between nodes at egress + ingress
    List<String> prices = List.of("internet COST_EGRESS 0.09/1000000000 3000 0.00000027",
        "cross-zone COST_INTERNAL 0.02/1000000000 2700 0.000000054",
        "object-store COST_EGRESS 0.001/1000000000 4000 0.000000004",
        "unknown-zone COST_INTERNAL 0.02/1000000000 100 0.000000002",
        "internet COST_INGRESS 0/1000000000 500 0",
        "same-zone COST_INTERNAL 0/1000000000 1000 0");
    for (CostReport r : List.of(store.report(0, CostGrouping.BY_CLASS, "USD"), byNode, byService)) {
      assertEquals(prices, r.getPricesList().stream().map(p -> p.getDestinationClass() + " " + p.getDirection() + " "
          + p.getPricePerUnit() + "/" + p.getUnitBytes() + " " + p.getBytes() + " " + p.getCost()).toList());
    }
    assertEquals(List.of(NET, C, A, STORE, D, B), store.report(0, CostGrouping.BY_REMOTE, "USD").getLinesList().stream()
        .map(CostLine::getKey).toList());
    // Nothing new: nothing written.
    long before = store.report(0, CostGrouping.BY_CLASS, "USD").getTotal().getEgressBytes();
    recorder.flush(clock.get());
    assertEquals(before, store.report(0, CostGrouping.BY_CLASS, "USD").getTotal().getEgressBytes());
  }

  @Test
  void aRestartedCollectorWritesOnlyWhatItHadNotWritten() throws Exception {
    startCollector();
    firstSecond();
    recorder.flush(clock.get());
    store.close();

    startCollector(); // same file; the agents come back and send their full states
    agents.fullState(sa, fullState(A_FLOWS));
    agents.fullState(sb, fullState(B_FLOWS));
    agents.fullState(sc, fullState(C_FLOWS));
    agents.fullState(sd, fullState(D_FLOWS));
    recorder.flush(clock.get());
    assertEquals(FIRST_SECOND, byClass());

    // Still the same minute (a restart within it): the row of that minute grows.
    agents.batch(sa, batch(2, clock.get(), flow(A, NET, 1000, 1, 0, 0)));
    recorder.flush(clock.get());
    assertEquals(expected(4000), byClass());
    assertEquals(1, minutesWritten());

    clock.addAndGet(60 * SECOND);
    agents.batch(sa, batch(3, clock.get(), flow(A, NET, 1000, 1, 0, 0)));
    recorder.flush(clock.get());
    assertEquals(expected(5000), byClass());
    assertEquals(2, minutesWritten());
  }

  private long minutesWritten() throws Exception {
    CostReport r = store.report(0, CostGrouping.BY_CLASS, "USD");
    return (r.getLastMinuteUnixNanos() - r.getFirstMinuteUnixNanos()) / HistoryRecorder.MINUTE_NANOS + 1;
  }

  @Test
  void anAgentRestartKeepsItsEndedEpoch() throws Exception {
    startCollector();
    firstSecond();
    recorder.flush(clock.get());
    assertEquals(Set.of(1L), store.baselines().keySet().stream().map(EpochId::epoch).collect(Collectors.toSet()));
    agents.hello(sa, node("a", 1, 2, A, "z1")); // a new epoch: counters begin again
    agents.batch(sa, batch(1, clock.get(), flow(A, NET, 10, 1, 0, 0)));
    recorder.flush(clock.get());
    assertEquals(expected(3010), byClass());
    // a's first epoch is written whole and its baseline gone; the others' epoch 1 and a's epoch 2 stay.
    assertEquals(Set.of(new EpochId(HexFormat.of().formatHex(agentId(1).toByteArray()), 2)),
        store.baselines().keySet().stream().filter(id -> id.agent().startsWith("01")).collect(Collectors.toSet()));
  }

  @Test
  void liveViewsShowClassesAndCost() throws Exception {
    startCollector();
    firstSecond();
    long latest = SlotClock.latestCompleted(clock.get());
    WatchRequest classes = WatchRequest.newBuilder().setGrouping(Grouping.DESTINATION_CLASSES).build();
    ViewSnapshot s = LocalViews.view(cluster, classes, latest, config.prices());
    Map<String, String> rows = s.getRowsList().stream().collect(Collectors.toMap(Row::getDestinationClass,
        r -> r.getSent().getBytes() + "/" + r.getReceived().getBytes() + " " + r.getCost().getSoFar()));
    assertEquals(Map.of("internet", "3000/500 0.00000027", "object-store", "4000/0 0.000000004",
        "cross-zone", "2700/0 0.000000054", "same-zone", "1000/0 0", "unknown-zone", "100/0 0.000000002"), rows);
    assertEquals("USD", s.getCurrency());
    assertEquals("0.00000033", s.getCost().getSoFar());
    // One slot of 2 s: the 10 s rate is over the time there was. 3000 B internet egress in 2 s.
    Row internet = s.getRowsList().stream().filter(r -> r.getDestinationClass().equals("internet")).findFirst().orElseThrow();
    assertEquals(1500 * 0.09 * 3600 / 1e9, internet.getCost().getPerHour10S(), 1e-15);

    WatchRequest nodes = WatchRequest.newBuilder().setGrouping(Grouping.NODES).build();
    ViewSnapshot n = LocalViews.view(cluster, nodes, latest, config.prices());
    Map<String, String> nodeCost = n.getRowsList().stream()
        .collect(Collectors.toMap(r -> r.getLeft().getNode(), r -> r.getCost().getSoFar()));
    assertEquals("0.000000316", nodeCost.get("a"));
    assertEquals("0.000000014", nodeCost.get("c"));

    String metrics = PrometheusText.render(cluster, new CollectorMetrics(), config, null);
    assertTrue(metrics.contains("clustertop_cost_bytes_total{node=\"a\",class=\"internet\",direction=\"egress\"} 3000\n"), metrics);
    assertTrue(metrics.contains(
        "clustertop_cost_total{node=\"a\",class=\"cross-zone\",direction=\"internal\",currency=\"USD\"} 0.00000004\n"), metrics);
  }

  @Test
  void retentionAndTheSizeBoundDeleteTheOldestMinutes() throws Exception {
    startCollector();
    firstSecond();
    recorder.flush(clock.get()); // minute m
    clock.addAndGet(120 * SECOND);
    agents.batch(sa, batch(2, clock.get(), flow(A, NET, 1000, 1, 0, 0)));
    recorder.flush(clock.get()); // minute m + 2
    long m = clock.get() / HistoryRecorder.MINUTE_NANOS;
    long[] pruned = store.prune(m - 1, 1L << 30); // retention: keep m + 1 on
    assertEquals(0, pruned[1]);
    assertTrue(pruned[0] > 0);
    assertEquals("1000/0/0 0.00000009", byClass().get("internet"));
    assertEquals(1, byClass().size());
    pruned = store.prune(m - 1, 1); // no file is that small: every minute goes, oldest first
    assertTrue(pruned[1] > 0);
    assertEquals(Map.of(), byClass());
  }

  @Test
  void kubernetesLabelsGiveTheZoneWhenNoFlagDoes() throws Exception {
    startCollector();
    Hello plain = hello("d", 4, 1, D);
    Hello labelled = plain.toBuilder().setIdentity(plain.getIdentity().toBuilder()
        .putLabels("topology.kubernetes.io/zone", "z2").putLabels("topology.kubernetes.io/region", "r1")).build();
    agents.hello(sd, labelled);
    firstSecond();
    recorder.flush(clock.get());
    Map<String, String> classes = byClass();
    // a (z1) -> d (z2 by its labels): cross-zone now, 2000 + 700 + 100 bytes between zones.
    assertEquals("0/0/2800 0.000000056", classes.get("cross-zone"));
    assertNull(classes.get("unknown-zone"));
  }
}
