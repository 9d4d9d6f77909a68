package io.clustertop.collector.placement;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.agentId;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.ip;
import static io.clustertop.collector.AgentMessages.volume;
import static io.clustertop.kubernetes.informer.ApiObjects.controller;
import static io.clustertop.kubernetes.informer.ApiObjects.runningPod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.collector.AgentMessages;
import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.TestAgent;
import io.clustertop.collector.Watches;
import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.informer.ApiObjects;
import io.clustertop.kubernetes.informer.KubernetesWatcher;
import io.clustertop.kubernetes.informer.MockApi;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.CostRequest;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.HistoryGrpc;
import io.clustertop.proto.v1.PortDisplay;
import io.clustertop.proto.v1.VolumePair;
import io.clustertop.proto.v1.WatchRequest;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pods on two nodes talking to each other without an overlay, so their own addresses are on the
 * wire: each node's agent reports its own pod's side, and the collector (over real gRPC on
 * 127.0.0.1, reading fabric8's mock API server in CRUD mode) counts each byte once, from its sender,
 * as it does between the nodes' own addresses (docs/RATIONALE.md, "Each byte once, cluster-wide").
 * Every figure is computed from the traffic the test makes ({@link Traffic}).
 *
 * <pre>
 *   n1 10.77.0.1 (eu-west-1a)                     n2 10.77.0.2 (eu-west-1b)
 *     shop/web-7d9f-a  10.77.1.5  ---------------   shop/db-0         10.77.2.5
 *     etl/batch-0      10.77.1.6  ---------------   etl/batch-1       10.77.2.6
 *                                 ---------------   shop/web-7d9f-b   10.77.2.7
 *   and to the outside, 203.0.113.10 and .11     n3 10.77.0.3 (eu-west-1a): joins later
 * </pre>
 */
class PodTrafficBetweenNodesTest {
  private static final String REGION = "eu-west-1";
  private static final Map<String, String> NODES = Map.of("n1", "10.77.0.1", "n2", "10.77.0.2", "n3", "10.77.0.3");
  private static final Map<String, String> ZONES = Map.of("n1", "eu-west-1a", "n2", "eu-west-1b", "n3", "eu-west-1a");
  private static final String WEB_A = "10.77.1.5";
  private static final String BATCH_0 = "10.77.1.6";
  private static final String DB_0 = "10.77.2.5";
  private static final String BATCH_1 = "10.77.2.6";
  private static final String WEB_B = "10.77.2.7";
  private static final String OUTSIDE = "203.0.113.10";
  private static final String OUTSIDE_2 = "203.0.113.11";

  /** Between the nodes both ways (who opened it: n1's pod, n2's pod), and to the outside. */
  private static final List<Talk> TALKS = List.of(
      new Talk(WEB_A, 41000, DB_0, 5432, 12_000, 250_000),
      new Talk(BATCH_1, 42000, BATCH_0, 7000, 40_000, 3_000),
      new Talk(WEB_B, 43000, WEB_A, 8080, 5_500, 77_000),
      new Talk(WEB_A, 41001, OUTSIDE, 443, 9_000, 120_000),
      new Talk(DB_0, 44000, OUTSIDE_2, 443, 2_000, 30_000),
      new Talk(BATCH_0, 45000, OUTSIDE, 443, 700, 1_100));

  private final AtomicLong clock = new AtomicLong(T0 + 12 * SECOND);
  private final Map<String, Long> sequences = new HashMap<>();
  private final Map<String, TestAgent> agents = new HashMap<>();
  private final Traffic traffic = new Traffic();
  private MockApi api;
  private KubernetesWatcher watcher;
  private ClusterMetadata metadata;
  private CollectorServer collector;
  private ManagedChannel channel;

  @BeforeEach
  void startApiServer() throws IOException {
    api = new MockApi();
  }

  @AfterEach
  void stop() throws Exception {
    Watches.close(channel, collector);
    if (watcher != null) {
      watcher.close();
    }
    api.close();
  }

  @Test
  void podsOnTwoNodesTalkingBothWaysAreCountedOnceFromTheirSenders(@TempDir Path dir) throws Exception {
    podsAndTwoNodes(dir, true);

    sendTalks(TALKS, T0 + 12 * SECOND);

    assertFiguresOf(TALKS, true);
    // between the nodes: cross-zone, what each sent, once; to the outside: the internet's egress and ingress
    assertEquals(traffic.classes(TALKS), costLines(CostGrouping.BY_CLASS));
  }

  @Test
  void aPodThatEndedKeepsItsConversationsNodeWhenTheKnownNodesChange(@TempDir Path dir) throws Exception {
    podsAndTwoNodes(dir, false);
    sendTalks(TALKS, T0 + 12 * SECOND);
    assertFiguresOf(TALKS, false);

    // db-0 ends (deleted, seen at T0 + 20 s); then a third node joins, and every conversation is tagged again
    clock.set(T0 + 20 * SECOND);
    api.admin.pods().inNamespace("shop").withName("db-0").delete();
    await("db-0 ended", () -> metadata.podAt(IpAddress.parse(DB_0), T0 + 20 * SECOND) == null
        && metadata.podAt(IpAddress.parse(DB_0), T0 + 11 * SECOND) != null);
    join("n3");
    assertFiguresOf(TALKS, false);

    // and its conversation's last bytes, after it ended (both sides report them), count once too
    List<Talk> last = List.of(new Talk(WEB_A, 41000, DB_0, 5432, 60, 40));
    sendTalks(last, T0 + 22 * SECOND);
    List<Talk> all = new ArrayList<>(TALKS);
    all.addAll(last);
    assertFiguresOf(all, false);
  }

  @Test
  void aPodAddressReusedOnAnotherNodeGivesNewConversationsTheNewPodsNode(@TempDir Path dir) throws Exception {
    podsAndTwoNodes(dir, true);
    join("n3");
    Talk toDb = new Talk(WEB_A, 41000, DB_0, 5432, 12_000, 250_000);
    sendTalks(List.of(toDb), T0 + 12 * SECOND);
    Map<String, List<Long>> workloads = traffic.placements(List.of(toDb), Pod::workload);
    Map<String, List<Long>> classes = traffic.classes(List.of(toDb));

    // db-0 (n2) ends at T0 + 20 s; cache-0 on n3 takes its address from T0 + 30 s
    clock.set(T0 + 20 * SECOND);
    api.admin.pods().inNamespace("shop").withName("db-0").delete();
    await("db-0 ended", () -> metadata.podAt(IpAddress.parse(DB_0), T0 + 20 * SECOND) == null);
    traffic.pod("shop", "cache-0", "shop/StatefulSet/cache", "n3", DB_0, T0 + 30 * SECOND,
        controller("StatefulSet", "cache", "uid-sts-cache"));
    await("cache-0 holds the address", () -> metadata.podAt(IpAddress.parse(DB_0), T0 + 31 * SECOND) != null
        && metadata.podAt(IpAddress.parse(DB_0), T0 + 31 * SECOND).name().equals("cache-0"));

    clock.set(T0 + 41 * SECOND);
    Talk toCache = new Talk(WEB_A, 41002, DB_0, 6379, 3_000, 45_000);
    sendTalks(List.of(toCache), T0 + 41 * SECOND);
    workloads = sum(workloads, traffic.placements(List.of(toCache), Pod::workload));
    classes = sum(classes, traffic.classes(List.of(toCache)));

    // each once, the first as n1 to n2 (cross-zone), the second as n1 to n3 (same zone)
    assertEquals(traffic.hostPairs(List.of(toDb, toCache)), hostPairs(view(Grouping.HOST_PAIRS)));
    assertEquals(Map.of("cross-zone", List.of(toDb.bytes(), 0L), "same-zone", List.of(toCache.bytes(), 0L)),
        classRows(view(Grouping.DESTINATION_CLASSES)));
    assertEquals(classes, costLines(CostGrouping.BY_CLASS));
    Map<String, List<Long>> rows = ownerRows(view(Grouping.WORKLOADS));
    assertEquals(workloads, rows);
    assertEquals(List.of(toDb.serverSent(), 0L), rows.get("shop/StatefulSet/db"), "db-0's side, as n2 reported it");
    assertEquals(List.of(toCache.serverSent(), 0L), rows.get("shop/StatefulSet/cache"), "cache-0's, as n3 did");
  }

  /** Figures by key, added up. */
  @SafeVarargs
  private static Map<String, List<Long>> sum(Map<String, List<Long>>... maps) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Map<String, List<Long>> m : maps) {
      m.forEach((key, figures) -> out.merge(key, figures, PodTrafficBetweenNodesTest::plus));
    }
    return out;
  }

  private static List<Long> plus(List<Long> a, List<Long> b) {
    List<Long> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      out.add(a.get(i) + b.get(i));
    }
    return List.copyOf(out);
  }

  /**
   * Full states (what a restarted collector, or a shard rebuilding from Kafka, takes first) go
   * through the same rule, at the time of a conversation's latest bytes in them; and one that
   * replaces conversations the collector held keeps the nodes decided when they came: db-0 ended
   * before n1's conversation with it last sent, and that conversation must not turn whole.
   */
  @Test
  void fullStatesGoThroughTheSameRuleAndKeepWhatWasDecided(@TempDir Path dir) throws Exception {
    podsAndTwoNodes(dir, false);
    long firstSlot = T0 + 10 * SECOND;
    for (String node : List.of("n1", "n2")) {
      assertEquals(1, agents.get(node).send(fullState(node, TALKS, firstSlot)).getAppliedThrough(), node);
    }
    assertFiguresOf(TALKS, false);

    clock.set(T0 + 20 * SECOND);
    api.admin.pods().inNamespace("shop").withName("db-0").delete();
    await("db-0 ended", () -> metadata.podAt(IpAddress.parse(DB_0), T0 + 20 * SECOND) == null);
    // n1's next full state: web-a sent 60 bytes more to db-0's address in the slot of T0 + 20 s, after
    // db-0 ended (no one answered, no one else counted them)
    FullState.Builder again = fullState("n1", TALKS, firstSlot).toBuilder();
    VolumePair late = volume(60, 1, 0, 0);
    int toDb = 0;
    while (again.getFlows(toDb).getKey().getLocalPort() != 41000) {
      toDb++;
    }
    FlowState.Builder flow = again.getFlowsBuilder(toDb).setCumulative(plus(again.getFlows(toDb).getCumulative(), late));
    for (int slot = 0; slot < 5; slot++) {
      flow.addSlots(volume(0, 0, 0, 0));
      again.addTotalSlots(volume(0, 0, 0, 0));
    }
    flow.addSlots(late);
    again.addTotalSlots(late).setTotal(plus(again.getTotal(), late));
    assertEquals(again.getSequence(), agents.get("n1").send(again.build()).getAppliedThrough());
    List<Talk> all = new ArrayList<>(TALKS);
    all.add(new Talk(WEB_A, 41000, DB_0, 5432, 60, 0));
    assertFiguresOf(all, false);
  }

  private static VolumePair plus(VolumePair a, VolumePair b) {
    return volume(a.getSent().getBytes() + b.getSent().getBytes(), a.getSent().getPackets() + b.getSent().getPackets(),
        a.getReceived().getBytes() + b.getReceived().getBytes(),
        a.getReceived().getPackets() + b.getReceived().getPackets());
  }

  /**
   * The collectors sharing Kafka's partitions know a node whose agent speaks to another collector
   * from its record: its pods are as much a node's as those of an agent held here. n2's agent is not
   * here; what n1's pods received from n2's pods is n2's to count, on its collector. When n2's
   * record goes, n1's conversations with its pods fold with the share they had, and what comes
   * after counts as from outside (no agent is left to count it).
   */
  @Test
  void aNodeKnownFromItsRecordCountsItsPodsAndItsGoingFoldsThem(@TempDir Path dir) throws Exception {
    pods();
    start(dir, false);
    join("n1");
    collector.cluster().nodeRecord(new AgentIdentity("n2", AgentId.of(agentId(2).toByteArray()), 1, ZONES.get("n2"),
        REGION, Map.of(), List.of(IpAddress.parse(NODES.get("n2"))), "eth0"));
    List<Talk> withN2 = TALKS.subList(0, 3);
    sendTalks(withN2, T0 + 12 * SECOND, "n1");
    long n1Sent = withN2.stream().mapToLong(t -> t.sentBy(traffic, "n1")).sum();
    Snapshot pairs = view(Grouping.HOST_PAIRS);
    assertEquals(n1Sent, pairs.totals().sent().bytes() + pairs.totals().received().bytes(),
        "n1's share: what its pods sent");

    collector.cluster().nodeRecordRemoved("n2");
    sendTalks(withN2, T0 + 14 * SECOND, "n1");
    long n1All = withN2.stream().mapToLong(Talk::bytes).sum();
    pairs = view(Grouping.HOST_PAIRS);
    assertEquals(n1Sent + n1All, pairs.totals().sent().bytes() + pairs.totals().received().bytes(),
        "then everything n1 saw of them, as from outside");
  }

  @Test
  void withoutKubernetesPodAddressesAreNoNodesAndEachSideCountsWhole(@TempDir Path dir) throws Exception {
    start(dir, false, false);
    join("n1");
    join("n2");
    traffic.podsWithoutApi();
    sendTalks(TALKS, T0 + 12 * SECOND);
    long once = TALKS.stream().mapToLong(Talk::bytes).sum();
    long betweenNodes = TALKS.subList(0, 3).stream().mapToLong(Talk::bytes).sum();
    Snapshot pairs = view(Grouping.HOST_PAIRS);
    assertEquals(once + betweenNodes, pairs.totals().sent().bytes() + pairs.totals().received().bytes());
  }

  // What each view must show, from the traffic made

  private void assertFiguresOf(List<Talk> talks, boolean history) throws SQLException {
    Snapshot pairs = view(Grouping.HOST_PAIRS);
    assertEquals(talks.stream().mapToLong(Talk::bytes).sum(),
        pairs.totals().sent().bytes() + pairs.totals().received().bytes(), "the totals: every byte once");
    Map<String, List<Long>> rows = traffic.hostPairs(talks);
    assertEquals(rows, hostPairs(pairs), "host pairs: a row per conversation, what each side sent, once");
    assertEquals(rows.values().stream().mapToLong(r -> r.get(0)).sum(), pairs.totals().sent().bytes());
    assertEquals(rows.values().stream().mapToLong(r -> r.get(1)).sum(), pairs.totals().received().bytes());

    Snapshot namespaces = view(Grouping.NAMESPACES);
    assertEquals(traffic.placements(talks, Pod::namespace), ownerRows(namespaces));
    assertEquals(talks.stream().mapToLong(Talk::bytes).sum(),
        namespaces.totals().sent().bytes() + namespaces.totals().received().bytes());
    assertEquals(traffic.placements(talks, Pod::workload), ownerRows(view(Grouping.WORKLOADS)));
    assertEquals(traffic.placements(talks, p -> p.namespace() + "/" + p.name()), ownerRows(view(Grouping.PODS)));
    if (history) {
      assertEquals(traffic.nodes(talks), costLines(CostGrouping.BY_NODE),
          "each node: its pods' sent (to outside, to the other node), what they received from outside");
      CostLine total = costReport(CostGrouping.BY_NODE).getTotal();
      assertEquals(talks.stream().mapToLong(Talk::bytes).sum(),
          total.getEgressBytes() + total.getIngressBytes() + total.getInternalBytes());
    }
  }

  // The traffic: pods, and conversations as each node's agent reports its side

  /** A conversation: a client's address and port to a server's, and the bytes each sent. */
  private record Talk(String client, int clientPort, String server, int serverPort, long clientSent, long serverSent) {
    long bytes() {
      return clientSent + serverSent;
    }

    /** What {@code node}'s pods sent in it. */
    long sentBy(Traffic t, String node) {
      return (node.equals(t.nodeOf(client)) ? clientSent : 0) + (node.equals(t.nodeOf(server)) ? serverSent : 0);
    }
  }

  /** A pod as the test made it: its workload named as the rows name it ({@code namespace/Kind/name}). */
  private record Pod(String namespace, String name, String workload, String node, String address) {}

  /** The pods made, by address (the latest holder), and what the views must show of conversations between them. */
  private final class Traffic {
    private final Map<String, Pod> pods = new HashMap<>();

    void pod(String namespace, String name, String workload, String node, String address, long since,
        OwnerReference controller) {
      api.admin.pods().resource(runningPod(namespace, name, address, since, name + "-c", controller)
          .editSpec().withNodeName(node).endSpec().build()).create();
      pods.put(address, new Pod(namespace, name, workload, node, address));
    }

    /** The same pods' addresses and nodes, for a collector that reads no API (the test still knows them). */
    void podsWithoutApi() {
      for (String[] p : new String[][] {{WEB_A, "n1"}, {BATCH_0, "n1"}, {DB_0, "n2"}, {BATCH_1, "n2"}, {WEB_B, "n2"}}) {
        pods.put(p[0], new Pod("", "", "", p[1], p[0]));
      }
    }

    String nodeOf(String address) {
      Pod p = pods.get(address);
      return p == null ? null : p.node();
    }

    /** The flows each node's agent reports: its pods' sides of the conversations. */
    Map<String, List<FlowDelta>> flowsByNode(List<Talk> talks, List<String> nodes) {
      Map<String, List<FlowDelta>> out = new TreeMap<>();
      for (Talk t : talks) {
        for (boolean clientSide : new boolean[] {true, false}) {
          String node = nodeOf(clientSide ? t.client() : t.server());
          if (node != null && nodes.contains(node)) {
            out.computeIfAbsent(node, n -> new ArrayList<>()).add(clientSide
                ? flow(t.client(), t.clientPort(), t.server(), t.serverPort(), t.clientSent(), t.serverSent())
                : flow(t.server(), t.serverPort(), t.client(), t.clientPort(), t.serverSent(), t.clientSent()));
          }
        }
      }
      return out;
    }

    /**
     * Host pairs with ports: a row per conversation, the lower address on the left between two
     * pods (as between two nodes), the pod on the left with the outside; sent is left to right.
     */
    Map<String, List<Long>> hostPairs(List<Talk> talks) {
      Map<String, List<Long>> out = new TreeMap<>();
      for (Talk t : talks) {
        boolean clientLeft = nodeOf(t.server()) == null
            || IpAddress.parse(t.client()).compareTo(IpAddress.parse(t.server())) < 0;
        String key = clientLeft ? pair(t.client(), t.clientPort(), t.server(), t.serverPort())
            : pair(t.server(), t.serverPort(), t.client(), t.clientPort());
        List<Long> figures = clientLeft ? List.of(t.clientSent(), t.serverSent()) : List.of(t.serverSent(), t.clientSent());
        out.merge(key, figures, PodTrafficBetweenNodesTest::plus);
      }
      return out;
    }

    /** Rows by the local end's pod, named by {@code name}: what its pods sent, and what they received from outside. */
    Map<String, List<Long>> placements(List<Talk> talks, java.util.function.Function<Pod, String> name) {
      Map<String, List<Long>> out = new TreeMap<>();
      for (Talk t : talks) {
        for (boolean clientSide : new boolean[] {true, false}) {
          Pod p = pods.get(clientSide ? t.client() : t.server());
          if (p != null) {
            boolean fromOutside = nodeOf(clientSide ? t.server() : t.client()) == null;
            long sent = clientSide ? t.clientSent() : t.serverSent();
            long received = fromOutside ? (clientSide ? t.serverSent() : t.clientSent()) : 0;
            out.merge(name.apply(p), List.of(sent, received), PodTrafficBetweenNodesTest::plus);
          }
        }
      }
      return out;
    }

    /**
     * The cost history by node, bytes egress (its pods' sent to outside), ingress (what they received
     * from outside), internal (their sent to another node's pods).
     */
    Map<String, List<Long>> nodes(List<Talk> talks) {
      Map<String, List<Long>> out = new TreeMap<>();
      for (Talk t : talks) {
        for (boolean clientSide : new boolean[] {true, false}) {
          String node = nodeOf(clientSide ? t.client() : t.server());
          if (node != null) {
            boolean toNode = nodeOf(clientSide ? t.server() : t.client()) != null;
            long sent = clientSide ? t.clientSent() : t.serverSent();
            long received = clientSide ? t.serverSent() : t.clientSent();
            out.merge(node, toNode ? List.of(0L, 0L, sent) : List.of(sent, received, 0L),
                PodTrafficBetweenNodesTest::plus);
          }
        }
      }
      return out;
    }

    /** The cost history by class, bytes egress/ingress/internal: between pods of two nodes by their zones, the rest the internet's. */
    Map<String, List<Long>> classes(List<Talk> talks) {
      Map<String, List<Long>> out = new TreeMap<>();
      for (Talk t : talks) {
        String client = nodeOf(t.client());
        String server = nodeOf(t.server());
        if (client != null && server != null) {
          String c = ZONES.get(client).equals(ZONES.get(server)) ? "same-zone" : "cross-zone";
          out.merge(c, List.of(0L, 0L, t.bytes()), PodTrafficBetweenNodesTest::plus);
        } else {
          out.merge("internet", client != null ? List.of(t.clientSent(), t.serverSent(), 0L)
              : List.of(t.serverSent(), t.clientSent(), 0L), PodTrafficBetweenNodesTest::plus);
        }
      }
      return out;
    }
  }

  /** The pods of the drawing, through the mock API server: a Deployment's two, a StatefulSet's, another's two. */
  private void pods() {
    ReplicaSet rs = api.admin.apps().replicaSets().resource(ApiObjects.replicaSet("shop", "web-7d9f",
        controller("Deployment", "web", "uid-deploy-web"))).create();
    OwnerReference web = controller("ReplicaSet", "web-7d9f", rs.getMetadata().getUid());
    OwnerReference batch = controller("StatefulSet", "batch", "uid-sts-batch");
    traffic.pod("shop", "web-7d9f-a", "shop/Deployment/web", "n1", WEB_A, T0, web);
    traffic.pod("etl", "batch-0", "etl/StatefulSet/batch", "n1", BATCH_0, T0, batch);
    traffic.pod("shop", "db-0", "shop/StatefulSet/db", "n2", DB_0, T0, controller("StatefulSet", "db", "uid-sts-db"));
    traffic.pod("etl", "batch-1", "etl/StatefulSet/batch", "n2", BATCH_1, T0, batch);
    traffic.pod("shop", "web-7d9f-b", "shop/Deployment/web", "n2", WEB_B, T0, web);
  }

  /** The pods of the drawing, the collector reading them, and n1's and n2's agents joined. */
  private void podsAndTwoNodes(Path dir, boolean history) throws IOException {
    pods();
    start(dir, history);
    join("n1");
    join("n2");
  }

  private void start(Path dir, boolean history) throws IOException {
    start(dir, history, true);
  }

  /** The collector over gRPC on 127.0.0.1, its clock the test's, reading the mock API server (or not). */
  private void start(Path dir, boolean history, boolean kubernetes) throws IOException {
    HistoryOptions historyOptions = history ? new HistoryOptions(dir.resolve("history.db"), Duration.ofDays(1),
        HistoryOptions.DEFAULT_MAX_BYTES, HistoryOptions.DEFAULT_TOP_REMOTES) : null;
    CollectorOptions options = new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES,
        null, false, CostConfig.defaults(), historyOptions);
    if (kubernetes) {
      watcher = KubernetesWatcher.start(api.throughProxy(), MetadataLimits.defaults(), clock::get);
      metadata = watcher.metadata();
      await("the pods listed, with their workloads", () -> metadata.status().synced()
          && metadata.status().pods() == traffic.pods.size()
          && metadata.podAt(IpAddress.parse(WEB_B), T0 + SECOND) != null
          && metadata.podAt(IpAddress.parse(WEB_B), T0 + SECOND).workload().kind().equals("Deployment"));
      options = options.withKubernetes(metadata, Placer.DEFAULT_MAX);
    }
    collector = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), options,
        clock::get).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
  }

  /** A node's agent connects, naming its zone and region. */
  private void join(String node) {
    Hello hello = hello(node, Integer.parseInt(node.substring(1)), 1, NODES.get(node));
    hello = hello.toBuilder().setIdentity(hello.getIdentity().toBuilder().setZone(ZONES.get(node)).setRegion(REGION))
        .build();
    TestAgent agent = new TestAgent(channel);
    agent.hello(hello);
    agents.put(node, agent);
  }

  private void sendTalks(List<Talk> talks, long end) {
    sendTalks(talks, end, agents.keySet().toArray(String[]::new));
  }

  /** Each of {@code nodes}' agents sends its side of the conversations, in its next batch: the second ending at {@code end}. */
  private void sendTalks(List<Talk> talks, long end, String... nodes) {
    traffic.flowsByNode(talks, List.of(nodes)).forEach((node, flows) -> {
      long sequence = sequences.merge(node, 1L, Long::sum);
      DeltaBatch batch = AgentMessages.batch(sequence, end, flows.toArray(FlowDelta[]::new));
      assertEquals(sequence, agents.get(node).send(batch).getAppliedThrough(), node + "'s batch " + sequence);
    });
  }

  /**
   * A node's full state of the conversations, its next sequence: everything it counted of them since
   * its epoch began, cumulative only (no bytes in its slots, which begin at {@code firstSlotStart}).
   */
  private FullState fullState(String node, List<Talk> talks, long firstSlotStart) {
    List<FlowDelta> flows = traffic.flowsByNode(talks, List.of(node)).get(node);
    long sequence = sequences.merge(node, 1L, Long::sum);
    FullState.Builder state = FullState.newBuilder().setSequence(sequence).setFirstSlotStartUnixNanos(firstSlotStart)
        .setTotal(AgentMessages.batch(sequence, firstSlotStart, flows.toArray(FlowDelta[]::new)).getTotal());
    for (FlowDelta f : flows) {
      state.addFlows(FlowState.newBuilder().setKey(f.getKey()).setCumulative(f.getVolume()));
    }
    return state.build();
  }

  /** A TCP conversation's flow as the local end's agent reports it. */
  private static FlowDelta flow(String local, int localPort, String remote, int remotePort, long sent, long received) {
    return FlowDelta.newBuilder()
        .setKey(FlowKey.newBuilder().setLocalAddress(ip(local)).setRemoteAddress(ip(remote))
            .setLocalPort(localPort).setRemotePort(remotePort).setProtocol(6))
        .setVolume(volume(sent, 1, received, 1))
        .build();
  }

  // Reading the collector

  private Snapshot view(Grouping grouping) {
    return ViewWire.fromProto(Watches.first(channel, WatchRequest.newBuilder().setGrouping(grouping)
        .setPorts(PortDisplay.PORTS_ON).setLimit(100).build()));
  }

  private static String pair(String left, int leftPort, String right, int rightPort) {
    return left + ":" + leftPort + " <=> " + right + ":" + rightPort;
  }

  /** Host-pair rows: sent and received bytes by their two ends. */
  private static Map<String, List<Long>> hostPairs(Snapshot s) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Row r : s.rows()) {
      String key = pair(r.left().host().toString(), r.left().port(), r.right().host().toString(), r.right().port());
      assertEquals(null, out.put(key, List.of(r.sent().bytes(), r.received().bytes())), "one row per pair: " + key);
    }
    assertEquals(null, s.other(), "nothing in other");
    return out;
  }

  /** Rows by placement: sent and received bytes by the name they stand for. */
  private static Map<String, List<Long>> ownerRows(Snapshot s) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Row r : s.rows()) {
      assertEquals(null, out.put(r.left().owner(), List.of(r.sent().bytes(), r.received().bytes())), r.toString());
    }
    assertEquals(null, s.other(), "nothing in other");
    return out;
  }

  /** Rows by destination class. */
  private static Map<String, List<Long>> classRows(Snapshot s) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (Row r : s.rows()) {
      out.put(r.right().destinationClass(), List.of(r.sent().bytes(), r.received().bytes()));
    }
    return out;
  }

  private CostReport costReport(CostGrouping by) throws SQLException {
    collector.flushHistory(clock.get());
    return HistoryGrpc.newBlockingStub(channel).cost(CostRequest.newBuilder().setBy(by).build());
  }

  /** The cost history's lines: egress, ingress and internal bytes by key. */
  private Map<String, List<Long>> costLines(CostGrouping by) throws SQLException {
    Map<String, List<Long>> out = new TreeMap<>();
    for (CostLine l : costReport(by).getLinesList()) {
      out.put(l.getKey(), List.of(l.getEgressBytes(), l.getIngressBytes(), l.getInternalBytes()));
    }
    return out;
  }

  private void await(String what, BooleanSupplier condition) {
    MockApi.await(what, condition, () -> metadata.status());
  }
}
