package io.clustertop.kubernetes.informer;

import io.clustertop.core.testing.CuttableProxy;
import static io.clustertop.kubernetes.informer.ApiObjects.controller;
import static io.clustertop.kubernetes.informer.ApiObjects.runningPod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.MetadataStatus;
import io.clustertop.kubernetes.PodRef;
import io.clustertop.kubernetes.ResourceState;
import io.clustertop.kubernetes.ServiceRef;
import io.clustertop.kubernetes.Workload;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watcher against fabric8's mock API server in CRUD mode (objects created, changed and deleted
 * through it are listed and watched as a real API server would list and watch them), on 127.0.0.1.
 * No real API server can run here; see the module's README for what this does not show.
 */
class KubernetesWatcherTest {
  private static final long S = 1_000_000_000L;
  /** 2026-01-01T00:00:00Z: the pods' times (whole seconds, as the API writes them). */
  private static final long T0 = 1_767_225_600L * S;
  private static final Set<String> API_PATHS = Set.of("/api/v1/pods", "/api/v1/services", "/api/v1/nodes",
      "/apis/apps/v1/replicasets", "/apis/batch/v1/jobs");

  private final AtomicLong now = new AtomicLong(T0);
  private MockApi api;
  private ExpiringCrudDispatcher dispatcher;
  private KubernetesClient admin;
  private CuttableProxy proxy;
  private KubernetesWatcher watcher;

  @BeforeEach
  void startApiServer() throws IOException {
    api = new MockApi();
    dispatcher = api.dispatcher;
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

  /** The watcher, through the proxy. */
  private ClusterMetadata watchThroughProxy() {
    watcher = KubernetesWatcher.start(api.throughProxy(), MetadataLimits.defaults(), now::get);
    return watcher.metadata();
  }

  @Test
  void podsServicesNodesAndOwnersCreatedChangedAndDeleted(@TempDir Path dir) throws IOException {
    // owners as the controllers make them: Deployment -> ReplicaSet -> pod, CronJob -> Job -> pod
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
    admin.pods().resource(ApiObjects.hostNetworkPod("kube-system", "kube-proxy-n1", "10.77.0.1", "bbbb",
        controller("DaemonSet", "kube-proxy", "uid-ds-proxy"))).create();
    admin.services().resource(ApiObjects.service("shop", "web", "10.77.200.10")).create();
    admin.nodes().resource(ApiObjects.node("n1", "eu-west-1a", "eu-west-1")).create();

    // through --kubeconfig FILE, as the collector reads it outside a cluster
    Path kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "http://127.0.0.1:%d"}}]
        users: [{name: tester, user: {token: "test-token"}}]
        contexts: [{name: mock, context: {cluster: mock, user: tester}}]
        current-context: mock
        """.formatted(api.server.getPort()));
    watcher = KubernetesWatcher.start(KubernetesWatcher.config(kubeconfig), MetadataLimits.defaults(), now::get);
    ClusterMetadata m = watcher.metadata();

    await("listed", () -> m.status().synced() && m.status().pods() == 4);
    PodRef web = m.podAt(IpAddress.parse("10.77.5.5"), T0 + S);
    assertEquals("web-7d9f-x2", web.name());
    assertEquals("shop", web.namespace());
    assertEquals("n1", web.node());
    assertEquals(new Workload("Deployment", "shop", "web"), web.workload());
    assertSame(web, m.podOfContainer("aaaa"));
    assertEquals(new Workload("CronJob", "etl", "report"), m.podAt(IpAddress.parse("10.77.5.6"), T0 + S).workload());
    assertEquals(new Workload("StatefulSet", "shop", "db"), m.podAt(IpAddress.parse("10.77.5.7"), T0 + S).workload());
    assertNull(m.podAt(IpAddress.parse("10.77.5.5"), T0 - S)); // before its sandbox was ready
    // the host network's pod shares the node's address: found by its container only
    assertNull(m.podAt(IpAddress.parse("10.77.0.1"), T0 + S));
    assertEquals("kube-proxy-n1", m.podOfContainer("bbbb").name());
    assertEquals(new Workload("DaemonSet", "kube-system", "kube-proxy"), m.podOfContainer("containerd://bbbb").workload());
    long serviceCreated = Readings.time(admin.services().inNamespace("shop").withName("web").get()
        .getMetadata().getCreationTimestamp(), -1);
    IpAddress vip = IpAddress.parse("10.77.200.10");
    assertEquals(new ServiceRef("shop", "web", admin.services().inNamespace("shop").withName("web").get()
        .getMetadata().getUid()), m.serviceAt(vip, serviceCreated));
    assertEquals(new NodePlace("eu-west-1a", "eu-west-1"), m.node("n1"));

    // a ReplicaSet made by hand is its pods' workload, until a Deployment adopts it
    ReplicaSet apiRs = admin.apps().replicaSets().resource(new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder(
        ApiObjects.replicaSet("shop", "api-5c", controller("Deployment", "api", "uid-deploy-api")))
        .editMetadata().withOwnerReferences().endMetadata().build()).create();
    admin.pods().resource(runningPod("shop", "api-5c-k1", "10.77.5.8", T0, "eeee",
        controller("ReplicaSet", "api-5c", apiRs.getMetadata().getUid())).build()).create();
    await("api pod", () -> m.podAt(IpAddress.parse("10.77.5.8"), T0) != null);
    assertEquals(new Workload("ReplicaSet", "shop", "api-5c"), m.podAt(IpAddress.parse("10.77.5.8"), T0).workload());
    admin.apps().replicaSets().inNamespace("shop").withName("api-5c").edit(r -> {
      r.getMetadata().setOwnerReferences(java.util.List.of(controller("Deployment", "api", "uid-deploy-api")));
      return r;
    });
    await("api pod's Deployment", () -> m.podAt(IpAddress.parse("10.77.5.8"), T0).workload().kind().equals("Deployment"));
    assertEquals(new Workload("Deployment", "shop", "api"), m.podOfContainer("eeee").workload());

    // changed: the node moves zone; the Job is adopted by another CronJob (as a re-created CronJob would)
    admin.nodes().withName("n1").edit(n -> {
      n.getMetadata().getLabels().put(Readings.ZONE, "eu-west-1b");
      return n;
    });
    await("zone change", () -> m.node("n1").zone().equals("eu-west-1b"));
    admin.batch().v1().jobs().inNamespace("etl").withName("report-29012").edit(j -> {
      j.getMetadata().setOwnerReferences(java.util.List.of(controller("CronJob", "report-v2", "uid-cron-report-v2")));
      return j;
    });
    await("job's new owner", () -> m.podAt(IpAddress.parse("10.77.5.6"), T0 + S).workload().name().equals("report-v2"));

    // deleted: the pod and the Service are gone from the moment the deletion is seen, still there before
    // (the mock gives the Service its creation time from the real clock: the deletion comes after it)
    long deleted = Math.max(T0, serviceCreated) + 100 * S;
    now.set(deleted);
    admin.pods().inNamespace("shop").withName("db-0").delete();
    admin.services().inNamespace("shop").withName("web").delete();
    await("deletions", () -> m.podAt(IpAddress.parse("10.77.5.7"), deleted) == null && m.serviceAt(vip, deleted) == null);
    assertEquals("db-0", m.podAt(IpAddress.parse("10.77.5.7"), deleted - 1).name());
    assertEquals("web", m.serviceAt(vip, deleted - 1).name());
    assertEquals(4, m.status().pods());
    admin.nodes().withName("n1").delete();
    await("node deleted", () -> m.status().resources().stream().allMatch(ResourceState::watching));
    assertEquals("eu-west-1b", m.node("n1").zone()); // answered for until the retention has passed
    assertEquals(0, m.status().apiErrors());
  }

  @Test
  void aReusedPodAddressGoesToThePodThatHeldItWhenTheBytesWereCounted() {
    ClusterMetadata m = watchThroughProxy();
    await("listed", () -> m.status().synced());
    IpAddress ip = IpAddress.parse("10.77.5.5");
    long t0 = T0;
    long t1 = T0 + 60 * S;   // pod A's deletion is seen
    long t2 = T0 + 75 * S;   // pod B's sandbox is ready, with A's old address

    admin.pods().resource(runningPod("shop", "pod-a", "10.77.5.5", t0, "a1", null).build()).create();
    await("pod A", () -> m.podAt(ip, t0) != null);
    now.set(t1);
    admin.pods().inNamespace("shop").withName("pod-a").delete();
    await("pod A deleted", () -> m.podAt(ip, t1) == null && m.status().pods() == 0);
    now.set(t2 + 5 * S);
    admin.pods().resource(runningPod("shop", "pod-b", "10.77.5.5", t2, "b1", null).build()).create();
    await("pod B", () -> m.podAt(ip, t2) != null);

    assertNull(m.podAt(ip, t0 - 1));
    assertEquals("pod-a", m.podAt(ip, t0).name());
    assertEquals("pod-a", m.podAt(ip, t1 - 1).name());
    assertNull(m.podAt(ip, t1));
    assertNull(m.podAt(ip, t2 - 1));
    assertEquals("pod-b", m.podAt(ip, t2).name());
    assertEquals("pod-b", m.podAt(ip, t2 + 3600 * S).name());

    // a finished Job's pod keeps its address in its status; the next pod takes it when it ends
    long t3 = T0 + 200 * S;
    long finished = T0 + 230 * S;
    admin.pods().resource(runningPod("etl", "job-pod", "10.77.5.9", t3, "j1", null).build()).create();
    IpAddress jobIp = IpAddress.parse("10.77.5.9");
    await("job pod", () -> m.podAt(jobIp, t3) != null);
    now.set(T0 + 240 * S);
    admin.pods().inNamespace("etl").withName("job-pod").edit(p -> new PodBuilder(p).editStatus().withPhase("Succeeded")
        .editFirstContainerStatus().withNewState().withNewTerminated().withExitCode(0)
        .withFinishedAt(ApiObjects.rfc3339(finished)).endTerminated().endState().endContainerStatus().endStatus().build());
    await("job pod finished", () -> m.podAt(jobIp, finished) == null);
    assertEquals("job-pod", m.podAt(jobIp, finished - 1).name());
    admin.pods().resource(runningPod("etl", "next-pod", "10.77.5.9", T0 + 250 * S, "n1", null).build()).create();
    await("next pod", () -> m.podAt(jobIp, T0 + 250 * S) != null);
    assertEquals("next-pod", m.podAt(jobIp, T0 + 250 * S).name());
    assertEquals("job-pod", m.podAt(jobIp, T0 + 229 * S).name());
  }

  @Test
  void aLostWatchIsShownAndWhatChangedMeanwhileIsLearnedWhenItIsBack() throws IOException {
    admin.pods().resource(runningPod("shop", "pod-a", "10.77.5.5", T0, "a1", null).build()).create();
    admin.pods().resource(runningPod("shop", "pod-b", "10.77.5.6", T0, "b1", null).build()).create();
    admin.nodes().resource(ApiObjects.node("n1", "eu-west-1a", "eu-west-1")).create();
    ClusterMetadata m = watchThroughProxy();
    await("listed and watching", () -> m.status().synced() && m.status().watching() && m.status().pods() == 2);

    proxy.cut(); // the API server is unreachable: every watch ends, reconnections fail
    await("watches lost", () -> m.status().resources().stream().noneMatch(ResourceState::watching));
    MetadataStatus lost = m.status();
    assertTrue(lost.summary().startsWith("kubernetes: watch lost (pods, services, nodes, replicasets, jobs)"), lost.summary());
    assertTrue(lost.resources().stream().allMatch(r -> r.watchLosses() == 1), lost.toString());

    // meanwhile: a pod deleted, a pod created, a node relabelled, a Service created
    now.set(T0 + 100 * S);
    admin.pods().inNamespace("shop").withName("pod-a").delete();
    admin.pods().resource(runningPod("shop", "pod-c", "10.77.5.7", T0 + 90 * S, "c1", null).build()).create();
    admin.nodes().withName("n1").edit(n -> {
      n.getMetadata().getLabels().put(Readings.ZONE, "eu-west-1c");
      return n;
    });
    admin.services().resource(ApiObjects.service("shop", "web", "10.77.200.10")).create();
    assertEquals("pod-a", m.podAt(IpAddress.parse("10.77.5.5"), T0 + 100 * S).name()); // not known yet

    // back, and the API server has compacted past the watcher's version (410): the informers list again
    dispatcher.expireNextWatches(API_PATHS);
    proxy.restore();
    await("converged", () -> m.podAt(IpAddress.parse("10.77.5.5"), T0 + 100 * S) == null
        && m.podAt(IpAddress.parse("10.77.5.7"), T0 + 100 * S) != null
        && m.node("n1").zone().equals("eu-west-1c")
        && m.serviceAt(IpAddress.parse("10.77.200.10"), Long.MAX_VALUE - 1) != null
        && m.status().watching());
    MetadataStatus back = m.status();
    assertEquals(Set.of(), dispatcher.pendingExpiries());
    assertTrue(back.resources().stream().allMatch(r -> r.relists() >= 1), back.toString());
    assertEquals(2, back.pods());
    assertEquals("pod-a", m.podAt(IpAddress.parse("10.77.5.5"), T0 + 99 * S).name()); // its history is kept
    assertTrue(back.summary().startsWith("kubernetes: 2 pods, 1 node"), back.summary());
  }

  @Test
  void aWatchThatResumesSeesWhatWasAddedAndChangedMeanwhile() throws IOException {
    admin.pods().resource(runningPod("shop", "pod-a", "10.77.5.5", T0, "a1", null).build()).create();
    ClusterMetadata m = watchThroughProxy();
    await("listed and watching", () -> m.status().synced() && m.status().watching());
    proxy.cut();
    await("watches lost", () -> m.status().resources().stream().noneMatch(ResourceState::watching));
    admin.pods().resource(runningPod("shop", "pod-c", "10.77.5.7", T0, "c1", null).build()).create();
    admin.pods().inNamespace("shop").withName("pod-a").edit(p -> new PodBuilder(p).editMetadata()
        .addToOwnerReferences(controller("StatefulSet", "a", "uid-sts-a")).endMetadata().build());
    proxy.restore(); // the watches resume from their version (fabric8 lists again where one closed without a word)
    await("pod-c seen", () -> m.podAt(IpAddress.parse("10.77.5.7"), T0) != null);
    await("pod-a's new owner seen", () -> m.podAt(IpAddress.parse("10.77.5.5"), T0).workload().kind().equals("StatefulSet"));
    await("watching", () -> m.status().watching());
    assertTrue(m.status().resources().stream().allMatch(r -> r.watchLosses() == 1), m.status().toString());
    assertEquals(2, m.status().pods());
  }

  @Test
  void anUnreachableApiServerIsCountedAndRetriedUntilItAnswers() throws IOException {
    proxy.cut();
    admin.pods().resource(runningPod("shop", "pod-a", "10.77.5.5", T0, "a1", null).build()).create();
    ClusterMetadata m = watchThroughProxy();
    await("errors counted", () -> m.status().apiErrors() >= 5); // each of the five first lists failed, at least once
    MetadataStatus down = m.status();
    assertTrue(down.summary().startsWith("kubernetes: listing pods, services, nodes, replicasets, jobs"), down.summary());
    assertTrue(down.lastError().contains(":"), down.lastError());
    proxy.restore();
    await("listed", () -> m.status().synced() && m.podAt(IpAddress.parse("10.77.5.5"), T0) != null);
  }

  /** Polls until {@code condition} holds; fails after 30 s with the watcher's status. */
  private void await(String what, BooleanSupplier condition) {
    MockApi.await(what, condition, () -> watcher.metadata().status());
  }
}
