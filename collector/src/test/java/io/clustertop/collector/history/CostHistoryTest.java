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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.cost.CostLedger;
import io.clustertop.collector.cost.LedgerDimension;
import io.clustertop.collector.cost.LedgerKey;
import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.metrics.PrometheusText;
import io.clustertop.collector.LocalViews;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.cost.CostConfigParser;
import io.clustertop.core.cost.Direction;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
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
    startCollector("history.db");
  }

  private void startCollector(String file) throws Exception {
    cluster = new MergeStore(clock::get, IngestLimits.defaults(), new CollectorMetrics(), config.classifier());
    agents = new LocalAgents(cluster, IngestLimits.defaults(), new CollectorMetrics(), clock::get);
    store = HistoryStore.open(dir.resolve(file));
    recorder = new HistoryRecorder(cluster, config, store,
        new HistoryOptions(dir.resolve(file), Duration.ofDays(1), 1L << 30, 50), new HistoryMetrics());
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
    // by namespace too, nothing twice: every node's traffic is on its own address, the host's
    assertEquals(Map.of("(host)", "9000/500/3800 0.00000051"), lines(CostGrouping.BY_NAMESPACE));
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

  /** Each line's bytes, egress/ingress/internal, and its cost, by key, grouped {@code by}. */
  private Map<String, String> lines(CostGrouping by) throws Exception {
    CostReport r = store.report(0, by, "USD");
    Map<String, String> m = r.getLinesList().stream().collect(Collectors.toMap(CostLine::getKey,
        l -> l.getEgressBytes() + "/" + l.getIngressBytes() + "/" + l.getInternalBytes() + " " + l.getCost(),
        (x, y) -> x, LinkedHashMap::new));
    return m;
  }

  private CostLine total(CostGrouping by) throws Exception {
    return store.report(0, by, "USD").getTotal();
  }

  @Test
  void withoutKubernetesEveryByteIsTheHostsOrNoPodsByNamespaceAndWorkload() throws Exception {
    startCollector();
    agents.batch(sa, batch(1, T0 + SECOND, flow(A, NET, 3000, 3, 500, 1), flow("10.77.9.9", NET, 40, 1, 0, 0)));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);
    recorder.flush(clock.get());
    // a's own address: the host's; an address of a that no pod holds (none does: no Kubernetes): no pod's
    Map<String, String> expected = Map.of("(host)", "3000/500/0 0.00000027", "(no pod)", "40/0/0 0.0000000036");
    assertEquals(expected, lines(CostGrouping.BY_NAMESPACE));
    assertEquals(expected, lines(CostGrouping.BY_WORKLOAD));
    assertEquals(total(CostGrouping.BY_NODE), total(CostGrouping.BY_NAMESPACE));
    assertEquals(total(CostGrouping.BY_NODE), total(CostGrouping.BY_WORKLOAD));
  }

  /**
   * A history file as the collector before namespaces wrote it (format 0: the DDL below is its own,
   * word for word; its rows are the remote and service rows this collector writes, which it wrote
   * alike): opened, it is migrated; the minutes it held, and the bytes its epochs' baselines cannot
   * tell apart, are "(not recorded)" by namespace and workload; the minutes after are exact; every
   * grouping has the same total throughout.
   */
  @Test
  void aHistoryFromBeforeNamespacesIsMigratedAndItsMinutesAreNotRecordedByNamespace() throws Exception {
    startCollector("new.db");
    firstSecond();
    recorder.flush(clock.get()); // minute m
    store.close();
    Path old = dir.resolve("history.db");
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + old); Statement s = db.createStatement()) {
      s.execute("""
          CREATE TABLE IF NOT EXISTS rollup (
            minute INTEGER NOT NULL, dimension INTEGER NOT NULL, node INTEGER NOT NULL, price INTEGER NOT NULL,
            key TEXT NOT NULL, bytes INTEGER NOT NULL,
            PRIMARY KEY (minute, dimension, node, price, key)) WITHOUT ROWID""");
      s.execute("CREATE TABLE IF NOT EXISTS name (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
      s.execute("""
          CREATE TABLE IF NOT EXISTS epoch (
            id INTEGER PRIMARY KEY, agent TEXT NOT NULL, epoch INTEGER NOT NULL, UNIQUE (agent, epoch))""");
      s.execute("""
          CREATE TABLE IF NOT EXISTS price (
            id INTEGER PRIMARY KEY, class TEXT NOT NULL, direction TEXT NOT NULL, per_unit TEXT NOT NULL,
            unit_bytes INTEGER NOT NULL, UNIQUE (class, direction, per_unit, unit_bytes))""");
      s.execute("""
          CREATE TABLE IF NOT EXISTS baseline (
            epoch INTEGER NOT NULL, dimension INTEGER NOT NULL, class INTEGER NOT NULL, direction INTEGER NOT NULL,
            key TEXT NOT NULL, bytes INTEGER NOT NULL, minute INTEGER NOT NULL,
            PRIMARY KEY (epoch, dimension, class, direction, key)) WITHOUT ROWID""");
      s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
      s.execute("ATTACH DATABASE '" + dir.resolve("new.db") + "' AS new");
      s.execute("INSERT INTO rollup SELECT * FROM new.rollup WHERE dimension < 2");
      s.execute("INSERT INTO name SELECT * FROM new.name");
      s.execute("INSERT INTO price SELECT * FROM new.price");
      s.execute("INSERT INTO epoch SELECT id, agent, epoch FROM new.epoch");
      s.execute("INSERT INTO baseline SELECT * FROM new.baseline WHERE dimension < 2");
      s.execute("INSERT INTO meta SELECT * FROM new.meta");
      s.execute("DETACH DATABASE new");
    }

    startCollector(); // the old file; the agents come back and send their full states
    assertEquals(HistoryStore.VERSION, userVersion(old));
    Map<String, String> notRecorded = Map.of("(not recorded)", "7000/500/3800 0.00000033");
    assertEquals(notRecorded, lines(CostGrouping.BY_NAMESPACE));
    assertEquals(notRecorded, lines(CostGrouping.BY_WORKLOAD));
    assertEquals(FIRST_SECOND, byClass()); // the old minutes as they were
    agents.fullState(sa, fullState(A_FLOWS));
    agents.fullState(sb, fullState(B_FLOWS));
    agents.fullState(sc, fullState(C_FLOWS));
    agents.fullState(sd, fullState(D_FLOWS));
    clock.addAndGet(60 * SECOND);
    agents.batch(sa, batch(2, clock.get(), flow(A, NET, 1000, 1, 0, 0)));
    recorder.flush(clock.get()); // minute m + 1: a's epoch was written by the old collector, whose baseline has no namespaces
    assertEquals(Map.of("(not recorded)", "8000/500/3800 0.00000042"), lines(CostGrouping.BY_NAMESPACE));
    assertEquals(expected(4000), byClass());

    clock.addAndGet(60 * SECOND);
    agents.batch(sa, batch(3, clock.get(), flow(A, NET, 200, 1, 0, 0), flow(A, B, 10, 1, 0, 0)));
    agents.batch(sb, batch(2, clock.get(), flow(B, A, 0, 0, 10, 1)));
    recorder.flush(clock.get()); // minute m + 2: a's baseline has its namespaces now
    Map<String, String> placed = new LinkedHashMap<>();
    placed.put("(not recorded)", "8000/500/3800 0.00000042");
    placed.put("(host)", "200/0/10 0.000000018");
    assertEquals(placed, lines(CostGrouping.BY_NAMESPACE));
    assertEquals(placed, lines(CostGrouping.BY_WORKLOAD));
    for (CostGrouping by : List.of(CostGrouping.BY_CLASS, CostGrouping.BY_REMOTE, CostGrouping.BY_SERVICE,
        CostGrouping.BY_NAMESPACE, CostGrouping.BY_WORKLOAD)) {
      assertEquals(total(CostGrouping.BY_NODE), total(by), by.toString());
    }
    store.close();

    startCollector(); // migrated once: opened again, nothing changes
    assertEquals(placed, lines(CostGrouping.BY_NAMESPACE));
    // a's baseline is whole now, namespaces and all; c's did not move since the old collector wrote it
    Map<EpochId, CostLedger> baselines = store.baselines();
    CostLedger a = baselines.get(new EpochId(HexFormat.of().formatHex(agentId(1).toByteArray()), 1));
    assertTrue(a.placed());
    assertEquals(Map.of(
        new LedgerKey("internet", Direction.EGRESS, "(host)"), 4200L,
        new LedgerKey("internet", Direction.INGRESS, "(host)"), 500L,
        new LedgerKey("object-store", Direction.EGRESS, "(host)"), 4000L,
        new LedgerKey("same-zone", Direction.INTERNAL, "(host)"), 1010L,
        new LedgerKey("cross-zone", Direction.INTERNAL, "(host)"), 2000L,
        new LedgerKey("unknown-zone", Direction.INTERNAL, "(host)"), 100L), a.lines(LedgerDimension.NAMESPACE));
    assertEquals(a.lines(LedgerDimension.NAMESPACE), a.lines(LedgerDimension.WORKLOAD));
    CostLedger c = baselines.get(new EpochId(HexFormat.of().formatHex(agentId(3).toByteArray()), 1));
    assertTrue(!c.placed());
    assertEquals(Map.of(), c.lines(LedgerDimension.NAMESPACE));
  }

  @Test
  void aHistoryOfANewerFormatIsRefusedNotRewritten() throws Exception {
    Path newer = dir.resolve("newer.db");
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + newer); Statement s = db.createStatement()) {
      s.execute("PRAGMA user_version = " + (HistoryStore.VERSION + 1));
    }
    SQLException e = assertThrows(SQLException.class, () -> HistoryStore.open(newer));
    assertTrue(e.getMessage().startsWith("the file is of a newer clustertop (history format 2"), e.getMessage());
    assertEquals(HistoryStore.VERSION + 1, userVersion(newer));
  }

  private static long userVersion(Path file) throws SQLException {
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = db.createStatement();
        java.sql.ResultSet r = s.executeQuery("PRAGMA user_version")) {
      r.next();
      return r.getLong(1);
    }
  }
}
