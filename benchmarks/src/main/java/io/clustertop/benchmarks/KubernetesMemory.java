package io.clustertop.benchmarks;

import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.MetadataStatus;
import io.clustertop.kubernetes.informer.KubernetesWatcher;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * The collector's heap per pod tracked: a mock API server (fabric8's, CRUD, in this JVM) holds
 * {@code PODS} pods as a ReplicaSet writes them (labels, an owner, managed fields, one container with
 * its environment, resources, probes and mounts, the status a running pod has) with a ReplicaSet per
 * 10 pods, a Service per 10 and a node per 30; then the watcher lists and watches them all. A class
 * histogram of the heap (a full GC first, {@code GC.class_histogram}) before the watcher starts and
 * after it has synced: the difference is what the watcher holds, fabric8's informer caches and the
 * store. Prints the total, the bytes per pod and the classes that grew most.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.clustertop.benchmarks.KubernetesMemory [PODS]</pre>
 */
public final class KubernetesMemory {
  private KubernetesMemory() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    KubernetesMockServer server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
        new HashMap<>(), new KubernetesCrudDispatcher(), false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    String now = Instant.now().toString();
    try (KubernetesClient admin = server.createClient()) {
      for (int n = 0; n < pods / 30 + 1; n++) {
        admin.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-" + n)
            .addToLabels("topology.kubernetes.io/zone", "zone-" + n % 3)
            .addToLabels("topology.kubernetes.io/region", "region-1").endMetadata().build()).create();
      }
      for (int r = 0; r < pods / 10; r++) {
        String rs = "app" + r + "-7d9f5c";
        String rsUid = admin.apps().replicaSets().resource(new ReplicaSetBuilder().withNewMetadata().withNamespace("ns" + r % 20)
            .withName(rs).addNewOwnerReference().withApiVersion("apps/v1").withKind("Deployment").withName("app" + r)
            .withUid(UUID.randomUUID().toString()).withController(true).endOwnerReference().endMetadata()
            .withNewSpec().withReplicas(10).endSpec().build()).create().getMetadata().getUid();
        admin.services().resource(new ServiceBuilder().withNewMetadata().withNamespace("ns" + r % 20).withName("app" + r)
            .endMetadata().withNewSpec().withClusterIP(ip(200, r)).addToClusterIPs(ip(200, r)).addNewPort().withPort(80)
            .endPort().addToSelector("app", "app" + r).endSpec().build()).create();
        for (int i = 0; i < 10; i++) {
          int p = r * 10 + i;
          admin.pods().resource(pod("ns" + r % 20, rs, rsUid, p, now)).create();
        }
      }
    }
    Map<String, Long> beforeByClass = heapByClass();
    long before = beforeByClass.values().stream().mapToLong(Long::longValue).sum();

    Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).build();
    try (KubernetesWatcher watcher = KubernetesWatcher.start(config, MetadataLimits.defaults(), System::nanoTime)) {
      while (!(watcher.metadata().status().synced() && watcher.metadata().status().pods() == pods)) {
        Thread.sleep(100);
      }
      MetadataStatus status = watcher.metadata().status();
      Map<String, Long> after = heapByClass();
      long total = after.values().stream().mapToLong(Long::longValue).sum() - before;
      System.out.printf("pods %d, pod addresses %d, services %d, nodes %d%n", status.pods(), status.podAddresses(),
          status.serviceAddresses(), status.nodes());
      System.out.printf("heap held by the watcher: %.1f MB, %d bytes per pod (ReplicaSets, Services, nodes included)%n",
          total / 1e6, total / pods);
      System.out.println("classes that grew most (bytes per pod):");
      after.entrySet().stream()
          .map(e -> Map.entry(e.getKey(), e.getValue() - beforeByClass.getOrDefault(e.getKey(), 0L)))
          .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
          .limit(15)
          .forEach(e -> System.out.printf("  %8d  %s%n", e.getValue() / pods, e.getKey()));
    }
    server.destroy();
  }

  private static String ip(int third, int n) {
    return "10." + (77 + n / 65536) + "." + (n / 256 % 256 + third) % 256 + "." + n % 256;
  }

  /** A pod as a ReplicaSet's pod looks in a list from a real API server, managed fields included. */
  private static Pod pod(String namespace, String rs, String rsUid, int p, String now) {
    String name = rs + "-" + Integer.toString(p, 36) + "x7q";
    return new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withGenerateName(rs + "-")
          .addToLabels("app", rs).addToLabels("pod-template-hash", "7d9f5c").addToLabels("tier", "backend")
          .addToAnnotations("kubectl.kubernetes.io/restartedAt", now)
          .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(rs).withUid(rsUid)
            .withController(true).withBlockOwnerDeletion(true).endOwnerReference()
          .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kube-controller-manager").withOperation("Update")
            .withApiVersion("v1").withTime(now).withFieldsType("FieldsV1").withNewFieldsV1()
            .addToAdditionalProperties("f:metadata", Map.of("f:labels", Map.of("f:app", Map.of(), "f:tier", Map.of()),
                "f:ownerReferences", Map.of("k:{\"uid\":\"" + rsUid + "\"}", Map.of())))
            .addToAdditionalProperties("f:spec", Map.of("f:containers", Map.of("k:{\"name\":\"app\"}",
                Map.of("f:image", Map.of(), "f:env", Map.of(), "f:resources", Map.of(), "f:ports", Map.of()))))
            .endFieldsV1().build())
          .addToManagedFields(new ManagedFieldsEntryBuilder().withManager("kubelet").withOperation("Update")
            .withApiVersion("v1").withTime(now).withFieldsType("FieldsV1").withSubresource("status").withNewFieldsV1()
            .addToAdditionalProperties("f:status", Map.of("f:conditions", Map.of("k:{\"type\":\"Ready\"}", Map.of()),
                "f:containerStatuses", Map.of(), "f:hostIP", Map.of(), "f:podIP", Map.of(), "f:podIPs", Map.of()))
            .endFieldsV1().build())
        .endMetadata()
        .withNewSpec().withNodeName("node-" + p / 30).withServiceAccountName("default").withRestartPolicy("Always")
          .addNewContainer().withName("app").withImage("registry.example/app:1.4.2").withImagePullPolicy("IfNotPresent")
            .addNewPort().withContainerPort(8080).withProtocol("TCP").endPort()
            .addNewEnv().withName("MODE").withValue("production").endEnv()
            .addNewEnv().withName("POD_NAME").withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
              .endFieldRef().endValueFrom().endEnv()
            .withNewResources().addToRequests("cpu", new Quantity("100m")).addToRequests("memory", new Quantity("128Mi"))
              .addToLimits("memory", new Quantity("256Mi")).endResources()
            .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withNewPort(8080).endHttpGet().endReadinessProbe()
            .addNewVolumeMount().withName("kube-api-access").withMountPath("/var/run/secrets/kubernetes.io/serviceaccount")
              .withReadOnly(true).endVolumeMount()
          .endContainer()
          .addNewVolume().withName("kube-api-access").withNewProjected().withDefaultMode(420).addNewSource()
            .withNewServiceAccountToken().withPath("token").withExpirationSeconds(3607L).endServiceAccountToken()
            .endSource().endProjected().endVolume()
          .addNewToleration().withKey("node.kubernetes.io/not-ready").withOperator("Exists").withEffect("NoExecute")
            .withTolerationSeconds(300L).endToleration()
          .addNewToleration().withKey("node.kubernetes.io/unreachable").withOperator("Exists").withEffect("NoExecute")
            .withTolerationSeconds(300L).endToleration()
        .endSpec()
        .withNewStatus().withPhase("Running").withHostIP(ip(0, p / 30)).withPodIP(ip(100, p)).addNewPodIP(ip(100, p))
          .withStartTime(now).withQosClass("Burstable")
          .addNewCondition().withType("PodReadyToStartContainers").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewCondition().withType("Initialized").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewCondition().withType("Ready").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewCondition().withType("ContainersReady").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewCondition().withType("PodScheduled").withStatus("True").withLastTransitionTime(now).endCondition()
          .addNewContainerStatus().withName("app").withImage("registry.example/app:1.4.2")
            .withImageID("registry.example/app@sha256:" + "ab".repeat(32)).withReady(true).withStarted(true)
            .withRestartCount(0).withContainerID("containerd://" + String.format("%064x", p))
            .withNewState().withNewRunning().withStartedAt(now).endRunning().endState()
          .endContainerStatus()
        .endStatus()
        .build();
  }

  /** The heap's bytes by class after a full GC ({@code jcmd GC.class_histogram}, from inside). */
  static Map<String, Long> heapByClass() throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    return text.lines()
        .map(String::trim)
        .filter(l -> l.matches("\\d+:\\s+\\d+\\s+\\d+\\s+\\S+.*"))
        .map(l -> l.split("\\s+"))
        .collect(Collectors.toMap(f -> f[3], f -> Long.parseLong(f[2]), Long::sum));
  }
}
