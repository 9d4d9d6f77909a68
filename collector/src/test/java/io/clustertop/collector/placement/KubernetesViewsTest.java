package io.clustertop.collector.placement;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.ip;
import static io.clustertop.collector.AgentMessages.volume;
import static io.clustertop.kubernetes.informer.ApiObjects.controller;
import static io.clustertop.kubernetes.informer.ApiObjects.runningPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.AgentMessages;
import io.clustertop.collector.LocalViews;
import io.clustertop.collector.history.HistoryMetrics;
import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.history.HistoryRecorder;
import io.clustertop.collector.history.HistoryStore;
import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.window.SlotClock;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.ResourceState;
import io.clustertop.kubernetes.informer.ApiObjects;
import io.clustertop.core.testing.CuttableProxy;
import io.clustertop.kubernetes.informer.MockApi;
import io.clustertop.kubernetes.informer.KubernetesWatcher;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Container;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.LocalProcess;
import io.clustertop.proto.v1.WatchRequest;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The collector's rows by namespace, workload, pod and Service against fabric8's mock API server in
 * CRUD mode (on 127.0.0.1, through a proxy that can cut it), with agents' batches through the real
 * ingest session (no gRPC, no network namespaces): every figure exact against the traffic sent.
 * No real API server runs here (kubernetes/README.md says what that leaves unshown).
 */
class KubernetesViewsTest {
  private static final String N1 = "10.77.0.1";
  private static final String N2 = "10.77.0.2";
  private static final String OUTSIDE = "203.0.113.9";

  private final AtomicLong clock = new AtomicLong(T0 + 12 * SECOND);
  private MockApi api;
  private KubernetesClient admin;
  private CuttableProxy proxy;
  private KubernetesWatcher watcher;
  private ClusterMetadata metadata;
  private MergeStore merge;
  private LocalAgents agents;
  private final Map<String, Long> sequences = new HashMap<>();

  @BeforeEach
  void startApiServer() throws IOException {
    api = new MockApi();
    admin = api.admin;
    proxy = api.proxy;
  }

  @AfterEach
  void stop() throws IOException {
    if (watcher != null) {
      watcher.close();
    }
    api.close();
  }

  /** The watcher through the proxy (its clock the test's), and a collector's merge reading it, two agents joined. */
  private void collector() {
    watcher = KubernetesWatcher.start(api.throughProxy(), MetadataLimits.defaults(), clock::get);
    metadata = watcher.metadata();
    IngestLimits limits = IngestLimits.defaults();
    CollectorMetrics metrics = new CollectorMetrics();
    merge = new MergeStore(clock::get, limits, metrics, CostConfig.defaults().classifier(),
        new Placer(metadata, Placer.DEFAULT_MAX));
    agents = new LocalAgents(merge, limits, metrics, clock::get);
    agents.hello("n1", hello("n1", 1, 1, N1));
    agents.hello("n2", hello("n2", 2, 1, N2));
  }

  @Test
  void rowsByNamespaceWorkloadPodAndServiceAreExact() {
    ReplicaSet rs = admin.apps().replicaSets().resource(ApiObjects.replicaSet("shop", "web-7d9f",
        controller("Deployment", "web", "uid-deploy-web"))).create();
    Job job = admin.batch().v1().jobs().resource(ApiObjects.job("etl", "report-29012",
        controller("CronJob", "report", "uid-cron-report"))).create();
    admin.pods().resource(runningPod("shop", "web-7d9f-x2", "10.77.5.5", T0, "aaaa",
        controller("ReplicaSet", "web-7d9f", rs.getMetadata().getUid())).build()).create();
    admin.pods().resource(runningPod("etl", "report-29012-q8", "10.77.5.6", T0, "cccc",
        controller("Job", "report-29012", job.getMetadata().getUid())).build()).create();
    admin.pods().resource(runningPod("shop", "db-0", "10.77.5.7", T0, "dddd",
        controller("StatefulSet", "db", "uid-sts-db")).build()).create();
    admin.pods().resource(ApiObjects.hostNetworkPod("kube-system", "kube-proxy-n1", N1, "bbbb",
        controller("DaemonSet", "kube-proxy", "uid-ds-proxy"))).create();
    admin.services().resource(ApiObjects.service("shop", "web", "10.77.200.10")).create();
    admin.nodes().resource(ApiObjects.node("n1", "eu-west-1a", "eu-west-1")).create();
    // A Service holds its ClusterIP from its creation, which the mock stamps with the time now: the
    // traffic is now too.
    long now = (System.currentTimeMillis() / 1000 + 2) * SECOND;
    clock.set(now);
    collector();
    await("listed, owners known", () -> metadata.status().synced() && metadata.status().pods() == 4
        && metadata.podAt(IpAddress.parse("10.77.5.5"), T0).workload().kind().equals("Deployment")
        && metadata.podAt(IpAddress.parse("10.77.5.6"), T0).workload().kind().equals("CronJob"));

    // n1: pods with their own addresses, a pod of the host network (its process's container), a
    // process of the host, an address no pod holds, and a conversation with node n2, which n2 reports too
    send("n1", now, List.of(
        flow("10.77.5.5", 40000, OUTSIDE, 1000, 5000, 0),
        flow("10.77.5.6", 40000, OUTSIDE, 300, 100, 0),
        flow("10.77.5.7", 40000, "10.77.200.10", 70, 0, 0),
        flow(N1, 40000, OUTSIDE, 40, 20, 1),       // kube-proxy, in container bbbb
        flow(N1, 40001, OUTSIDE, 9, 11, 2),        // sshd, in no container
        flow("10.77.9.9", 40000, OUTSIDE, 5, 6, 0),
        flow(N1, 40002, N2, 2000, 3000, 2)));
    send("n2", now, List.of(flowTo(N2, 443, N1, 40002, 3000, 2000)));

    Snapshot namespaces = view(Grouping.NAMESPACES, "", "");
    assertEquals(Map.of(
        "shop", List.of(1070L, 5000L),
        "etl", List.of(300L, 100L),
        "kube-system", List.of(40L, 20L),
        "(host)", List.of(9L + 2000 + 3000, 11L), // each byte once: n1's and n2's sent, not what they received of each other
        "(no pod)", List.of(5L, 6L)), figures(namespaces));
    assertEquals(9L + 1070 + 300 + 40 + 5 + 5000, namespaces.totals().sent().bytes());
    assertEquals(5137L, namespaces.totals().received().bytes());
    assertCostsAddUp(namespaces);

    assertEquals(Map.of(
        "shop/Deployment/web", List.of(1000L, 5000L),
        "etl/CronJob/report", List.of(300L, 100L),
        "shop/StatefulSet/db", List.of(70L, 0L),
        "kube-system/DaemonSet/kube-proxy", List.of(40L, 20L),
        "(host)", List.of(5009L, 11L),
        "(no pod)", List.of(5L, 6L)), figures(view(Grouping.WORKLOADS, "", "")));
    assertEquals(Map.of(
        "shop/web-7d9f-x2", List.of(1000L, 5000L),
        "etl/report-29012-q8", List.of(300L, 100L),
        "shop/db-0", List.of(70L, 0L),
        "kube-system/kube-proxy-n1", List.of(40L, 20L),
        "(host)", List.of(5009L, 11L),
        "(no pod)", List.of(5L, 6L)), figures(view(Grouping.PODS, "", "")));
    assertEquals(Map.of("shop/web", List.of(70L, 0L), "(no service)", List.of(9L + 1000 + 300 + 40 + 5 + 5000, 5137L)),
        figures(view(Grouping.SERVICES, "", "")));
    // drilling down: the namespace's workloads, the workload's pods
    assertEquals(Map.of("shop/Deployment/web", List.of(1000L, 5000L), "shop/StatefulSet/db", List.of(70L, 0L)),
        figures(view(Grouping.WORKLOADS, "", "shop")));
    assertEquals(Map.of("shop/db-0", List.of(70L, 0L)), figures(view(Grouping.PODS, "", "shop/StatefulSet/db")));
    // and a pod's own view: its conversations, its totals theirs
    Snapshot pod = ViewWire.fromProto(LocalViews.view(merge, WatchRequest.newBuilder().setGrouping(Grouping.HOST_PAIRS)
        .setPod("shop/web-7d9f-x2").setLimit(100).build(), SlotClock.latestCompleted(clock.get()),
        CostConfig.defaults().prices()));
    assertEquals(1, pod.rows().size(), pod.rows().toString());
    assertEquals(IpAddress.parse("10.77.5.5"), pod.rows().getFirst().left().host());
    assertEquals(IpAddress.parse(OUTSIDE), pod.rows().getFirst().right().host());
    assertEquals(List.of(1000L, 5000L), List.of(pod.totals().sent().bytes(), pod.totals().received().bytes()));
    assertEquals(null, pod.other());
    // one node's own view: everything it counted, what it received from n2 included
    assertEquals(Map.of(
        "shop", List.of(1070L, 5000L),
        "etl", List.of(300L, 100L),
        "kube-system", List.of(40L, 20L),
        "(host)", List.of(2009L, 3011L),
        "(no pod)", List.of(5L, 6L)), figures(view(Grouping.NAMESPACES, "n1", "")));
    // processes and containers, per node
    assertEquals(Map.of("kube-proxy[700]", List.of(40L, 20L), "sshd[22]", List.of(2009L, 11L),
        "(attributing)", List.of(1375L, 5106L), "(unattributed)", List.of(3000L, 0L)),
        figures(view(Grouping.PROCESSES, "", "")));
    assertEquals(Map.of("kube-proxy", List.of(40L, 20L), "(host)", List.of(2009L, 11L),
        "(attributing)", List.of(1375L, 5106L), "(unattributed)", List.of(3000L, 0L)),
        figures(view(Grouping.CONTAINERS, "", "")));

    // the agents name no zone: n1's comes from its Node's labels (n2 has no Node), at the next publication
    assertEquals("", zoneOf("n1", view(Grouping.NODES, "", "")));
    merge.expire();
    assertEquals("eu-west-1a", zoneOf("n1", view(Grouping.NODES, "", "")));
    assertEquals("", zoneOf("n2", view(Grouping.NODES, "", "")));
    // and what the watcher holds, on /metrics (its watches noted open by its check each second)
    await("watching", () -> metadata.status().watching());
    String metrics = io.clustertop.collector.metrics.PrometheusText.render(merge, new CollectorMetrics(),
        CostConfig.defaults(), null);
    for (String line : List.of("clustertop_kubernetes_synced{resource=\"pods\"} 1",
        "clustertop_kubernetes_watching{resource=\"jobs\"} 1", "clustertop_kubernetes_objects{kind=\"pods\"} 4",
        "clustertop_kubernetes_objects{kind=\"nodes\"} 1", "clustertop_kubernetes_api_errors_total 0",
        "clustertop_placements_refused_total 0")) {
      assertTrue(metrics.lines().anyMatch(line::equals), line + " in\n" + metrics);
    }
  }

  /**
   * The cost history by namespace and workload: the same placements as the views (a Deployment's pods
   * on both nodes, a Job's, a pod of the host network, the host, an address no pod holds), each
   * byte of cost once, exact, minute by minute; the rows add up to the nodes' total.
   */
  @Test
  void theCostHistoryByNamespaceAndWorkloadIsExactAndAddsUpToTheNodes(@TempDir Path dir) throws Exception {
    ReplicaSet rs = admin.apps().replicaSets().resource(ApiObjects.replicaSet("shop", "web-7d9f",
        controller("Deployment", "web", "uid-deploy-web"))).create();
    Job job = admin.batch().v1().jobs().resource(ApiObjects.job("etl", "report-29012",
        controller("CronJob", "report", "uid-cron-report"))).create();
    admin.pods().resource(runningPod("shop", "web-7d9f-x2", "10.77.5.5", T0, "aaaa",
        controller("ReplicaSet", "web-7d9f", rs.getMetadata().getUid())).build()).create();
    admin.pods().resource(runningPod("shop", "web-7d9f-k4", "10.77.6.5", T0, "eeee",
        controller("ReplicaSet", "web-7d9f", rs.getMetadata().getUid())).build()).create();
    admin.pods().resource(runningPod("etl", "report-29012-q8", "10.77.5.6", T0, "cccc",
        controller("Job", "report-29012", job.getMetadata().getUid())).build()).create();
    admin.pods().resource(ApiObjects.hostNetworkPod("kube-system", "kube-proxy-n1", N1, "bbbb",
        controller("DaemonSet", "kube-proxy", "uid-ds-proxy"))).create();
    collector();
    await("listed, owners known", () -> metadata.status().synced() && metadata.status().pods() == 4
        && metadata.podAt(IpAddress.parse("10.77.5.5"), T0).workload().kind().equals("Deployment")
        && metadata.podAt(IpAddress.parse("10.77.6.5"), T0).workload().kind().equals("Deployment")
        && metadata.podAt(IpAddress.parse("10.77.5.6"), T0).workload().kind().equals("CronJob"));
    Path file = dir.resolve("history.db");
    try (HistoryStore store = HistoryStore.open(file)) {
      HistoryRecorder recorder = new HistoryRecorder(merge, CostConfig.defaults(), store,
          new HistoryOptions(file, Duration.ofDays(1), HistoryOptions.DEFAULT_MAX_BYTES, 50), new HistoryMetrics());
      send("n1", clock.get(), List.of(
          flow("10.77.5.5", 40000, OUTSIDE, 1000, 5000, 0),
          flow("10.77.5.6", 40000, OUTSIDE, 300, 100, 0),
          flow(N1, 40000, OUTSIDE, 40, 20, 1),       // kube-proxy, in container bbbb
          flow(N1, 40001, OUTSIDE, 9, 11, 2),        // sshd, in no container
          flow("10.77.9.9", 40000, OUTSIDE, 5, 6, 0),
          flow(N1, 40002, N2, 2000, 3000, 2)));
      send("n2", clock.get(), List.of(flow("10.77.6.5", 40000, OUTSIDE, 700, 70, 0),
          flowTo(N2, 443, N1, 40002, 3000, 2000)));
      recorder.flush(clock.get());
      // egress/ingress/internal and cost: the internet's egress at 0.09 a GB, its ingress free;
      // between the two nodes (no zones known) at 0.01 + 0.01, what each sent, once
      // each line: namespace, workload, egress/ingress/internal bytes and cost
      String[][] lines = {
        {"shop", "shop/Deployment/web", "1700/5070/0 0.000000153"},
        {"(host)", "(host)", "9/11/5000 0.00000010081"},
        {"etl", "etl/CronJob/report", "300/100/0 0.000000027"},
        {"kube-system", "kube-system/DaemonSet/kube-proxy", "40/20/0 0.0000000036"},
        {"(no pod)", "(no pod)", "5/6/0 0.00000000045"}};
      Map<String, String> namespaces = new LinkedHashMap<>();
      Map<String, String> workloads = new LinkedHashMap<>();
      for (String[] l : lines) {
        namespaces.put(l[0], l[2]);
        workloads.put(l[1], l[2]);
      }
      assertEquals(namespaces, costLines(store, CostGrouping.BY_NAMESPACE));
      assertEquals(workloads, costLines(store, CostGrouping.BY_WORKLOAD));
      Map<String, String> nodes = new LinkedHashMap<>();
      nodes.put("n1", "1354/5137/2000 0.00000016186");
      nodes.put("n2", "700/70/3000 0.000000123");
      assertEquals(nodes, costLines(store, CostGrouping.BY_NODE));
      CostLine total = store.report(0, CostGrouping.BY_NODE, "USD").getTotal();
      assertEquals("2054/5207/5000 0.00000028486", line(total));
      assertEquals(total, store.report(0, CostGrouping.BY_NAMESPACE, "USD").getTotal());
      assertEquals(total, store.report(0, CostGrouping.BY_WORKLOAD, "USD").getTotal());

      // the next minute: only what moved since, under the names it had
      clock.addAndGet(60 * SECOND);
      send("n1", clock.get(), List.of(flow("10.77.5.5", 40000, OUTSIDE, 50, 0, 0)));
      send("n2", clock.get(), List.of(flow("10.77.6.5", 40000, OUTSIDE, 20, 0, 0)));
      recorder.flush(clock.get());
      assertEquals("1770/5070/0 0.0000001593", costLines(store, CostGrouping.BY_WORKLOAD).get("shop/Deployment/web"));
      assertEquals(workloads.size(), costLines(store, CostGrouping.BY_WORKLOAD).size());
      assertEquals(store.report(0, CostGrouping.BY_NODE, "USD").getTotal(),
          store.report(0, CostGrouping.BY_NAMESPACE, "USD").getTotal());
      assertEquals("2124/5207/5000 0.00000029116", line(store.report(0, CostGrouping.BY_WORKLOAD, "USD").getTotal()));
    }
  }

  private static Map<String, String> costLines(HistoryStore store, CostGrouping by) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    for (CostLine l : store.report(0, by, "USD").getLinesList()) {
      out.put(l.getKey(), line(l));
    }
    return out;
  }

  private static String line(CostLine l) {
    return l.getEgressBytes() + "/" + l.getIngressBytes() + "/" + l.getInternalBytes() + " " + l.getCost();
  }

  private static String zoneOf(String node, Snapshot s) {
    return s.nodes().stream().filter(n -> n.node().equals(node)).findFirst().orElseThrow().zone();
  }

  @Test
  void aReusedPodAddressGoesToThePodThatHeldItWhenTheBytesWereCounted() {
    admin.pods().resource(runningPod("shop", "pod-a", "10.77.5.5", T0, "a1", null).build()).create();
    collector();
    await("pod-a listed", () -> metadata.podAt(IpAddress.parse("10.77.5.5"), T0) != null);
    send("n1", T0 + 10 * SECOND, List.of(flow("10.77.5.5", 40000, OUTSIDE, 100, 10, 0)));

    // The pods' watch seen working before the deletion: once, on a loaded machine, the mock API
    // server never delivered pod-a's deletion (watch open, no loss, no error), as if it came while
    // the watch was being opened; a pod seen come and go through the watch first
    admin.pods().resource(runningPod("canary", "canary", "10.77.9.9", T0, "c9", null).build()).create();
    await("the pods' watch open", () -> metadata.status().pods() == 2);
    admin.pods().inNamespace("canary").withName("canary").delete();
    await("the canary gone", () -> metadata.status().pods() == 1);

    clock.set(T0 + 20 * SECOND); // pod-a deleted, seen at T0+20s; pod-b takes its address at T0+30s
    admin.pods().inNamespace("shop").withName("pod-a").delete();
    await("pod-a deleted", () -> metadata.status().pods() == 0
        && metadata.podAt(IpAddress.parse("10.77.5.5"), T0 + 20 * SECOND) == null);
    admin.pods().resource(runningPod("shop", "pod-b", "10.77.5.5", T0 + 30 * SECOND, "b1", null).build()).create();
    await("pod-b holds the address", () -> metadata.podAt(IpAddress.parse("10.77.5.5"), T0 + 31 * SECOND) != null
        && metadata.podAt(IpAddress.parse("10.77.5.5"), T0 + 31 * SECOND).name().equals("pod-b")
        && metadata.podAt(IpAddress.parse("10.77.5.5"), T0 + 25 * SECOND) == null);

    // after the reuse: a new conversation is pod-b's; pod-a's goes on as pod-a's (decided at its first bytes)
    send("n1", T0 + 40 * SECOND, List.of(flow("10.77.5.5", 40000, OUTSIDE, 7, 3, 0),
        flow("10.77.5.5", 40001, OUTSIDE, 200, 20, 0)));
    // n2's batches, late: bytes counted at T0+15s (pod-a's) and at T0+26s (nobody's), arriving now
    send("n2", T0 + 15 * SECOND, List.of(flow("10.77.5.5", 41000, OUTSIDE, 50, 5, 0)));
    send("n2", T0 + 26 * SECOND, List.of(flow("10.77.5.5", 41001, OUTSIDE, 60, 6, 0)));
    assertEquals(Map.of("shop/pod-a", List.of(157L, 18L), "shop/pod-b", List.of(200L, 20L),
        "(no pod)", List.of(60L, 6L)), figures(view(Grouping.PODS, "", "")));
  }

  @Test
  void aDroppedWatchIsResumedAndWhatChangedMeanwhileNamesTheConversationsAfter() throws IOException {
    long now = (System.currentTimeMillis() / 1000 + 2) * SECOND; // a Service holds its ClusterIP from its creation: now
    clock.set(now);
    admin.pods().resource(runningPod("shop", "pod-a", "10.77.5.5", T0, "a1", null).build()).create();
    collector();
    await("listed and watching", () -> metadata.status().synced() && metadata.status().watching()
        && metadata.podAt(IpAddress.parse("10.77.5.5"), now) != null);
    proxy.cut();
    // Every watch's connection is reset; fabric8 notices at once for most kinds (now and then the
    // pods' watch stays open on its side until fabric8's own timer: the test reads Services, whose
    // watch has always been seen lost and resumed here).
    await("the Services' watch lost", () -> metadata.status().resources().stream()
        .anyMatch(r -> r.resource().equals("services") && !r.watching()));
    assertTrue(metadata.status().summary().startsWith("kubernetes: watch lost"), metadata.status().summary());
    // meanwhile: a conversation with an address no Service holds yet; then a Service takes it
    send("n1", now + SECOND, List.of(flow("10.77.5.5", 40000, "10.77.200.20", 13, 1, 0)));
    admin.services().resource(ApiObjects.service("etl", "db", "10.77.200.20")).create();
    proxy.restore();
    long later = (System.currentTimeMillis() / 1000 + 2) * SECOND; // after the Service's creation
    clock.set(later);
    await("resumed", () -> metadata.status().resources().stream()
        .anyMatch(r -> r.resource().equals("services") && r.watching() && r.watchLosses() == 1)
        && metadata.serviceAt(IpAddress.parse("10.77.200.20"), later - SECOND) != null);
    send("n1", later, List.of(flow("10.77.5.5", 40001, "10.77.200.20", 17, 2, 0)));
    // the conversation from before the Service keeps the name it had then: none, never guessed later
    assertEquals(Map.of("etl/db", List.of(17L, 2L), "(no service)", List.of(13L, 1L)),
        figures(view(Grouping.SERVICES, "", "")));
    assertEquals(Map.of("shop/pod-a", List.of(30L, 3L)), figures(view(Grouping.PODS, "", "")));
  }

  // Traffic

  /** A TCP conversation of the local end with {@code process}: 0 none known, 1 kube-proxy (container bbbb), 2 sshd. */
  private static FlowDelta flow(String local, int localPort, String remote, long sent, long received, int process) {
    return FlowDelta.newBuilder()
        .setKey(FlowKey.newBuilder().setLocalAddress(ip(local)).setRemoteAddress(ip(remote))
            .setLocalPort(localPort).setRemotePort(443).setProtocol(6))
        .setVolume(volume(sent, 1, received, received == 0 ? 0 : 1))
        .setProcess(process)
        .build();
  }

  /** A conversation no socket carries (unattributed), ports as given. */
  private static FlowDelta flowTo(String local, int localPort, String remote, int remotePort, long sent, long received) {
    return FlowDelta.newBuilder()
        .setKey(FlowKey.newBuilder().setLocalAddress(ip(local)).setRemoteAddress(ip(remote))
            .setLocalPort(localPort).setRemotePort(remotePort).setProtocol(6))
        .setVolume(volume(sent, 1, received, 1))
        .setUnattributed(true)
        .build();
  }

  /** The node's next batch: the second ending at {@code end}, with n1's processes (kube-proxy in a container, sshd). */
  private void send(String node, long end, List<FlowDelta> flows) {
    long sequence = sequences.merge(node, 1L, Long::sum);
    agents.batch(node, AgentMessages.batch(sequence, end, flows.toArray(FlowDelta[]::new)).toBuilder()
        .addProcesses(LocalProcess.newBuilder().setPid(700).setCommand("kube-proxy").setNetworkNamespace(1).setContainer(1))
        .addProcesses(LocalProcess.newBuilder().setPid(22).setCommand("sshd").setNetworkNamespace(1))
        .addContainers(Container.newBuilder().setId("bbbb").setRuntime("containerd").setName("kube-proxy"))
        .build());
  }

  // Views

  private Snapshot view(Grouping grouping, String node, String within) {
    WatchRequest request = WatchRequest.newBuilder().setGrouping(grouping).setNode(node).setWithin(within)
        .setLimit(100).build();
    return ViewWire.fromProto(LocalViews.view(merge, request, SlotClock.latestCompleted(clock.get()),
        CostConfig.defaults().prices()));
  }

  /** Each row's bytes sent and received, by the name it stands for. */
  private static Map<String, List<Long>> figures(Snapshot s) {
    Map<String, List<Long>> out = new LinkedHashMap<>();
    for (Row r : s.rows()) {
      String name = r.left().owner();
      assertTrue(!name.isEmpty(), r.toString());
      assertEquals(null, out.put(name, List.of(r.sent().bytes(), r.received().bytes())), "one row per name: " + name);
    }
    return out;
  }

  /** Every row has a cost, and the rows' costs add up to the view's (nothing is left in "other"). */
  private static void assertCostsAddUp(Snapshot s) {
    BigDecimal sum = BigDecimal.ZERO;
    for (Row r : s.rows()) {
      assertNotNull(r.cost(), r.toString());
      sum = sum.add(r.cost().soFar());
    }
    assertEquals(null, s.other());
    assertEquals(0, s.cost().soFar().compareTo(sum), s.cost() + " against " + sum);
  }

  private void await(String what, BooleanSupplier condition) {
    MockApi.await(what, condition, () -> metadata.status());
  }
}
