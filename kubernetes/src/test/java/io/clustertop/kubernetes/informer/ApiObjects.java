package io.clustertop.kubernetes.informer;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** The objects the tests create through the mock API server, as a cluster's controllers would write them. */
public final class ApiObjects {
  private ApiObjects() {}

  public static String rfc3339(long unixNanos) {
    return Instant.ofEpochSecond(unixNanos / 1_000_000_000L).toString();
  }

  public static OwnerReference controller(String kind, String name, String uid) {
    return new OwnerReferenceBuilder().withApiVersion(kind.equals("Job") || kind.equals("CronJob") ? "batch/v1" : "apps/v1")
        .withKind(kind).withName(name).withUid(uid).withController(true).build();
  }

  /** A running pod with its address since {@code sandboxReady} (ns since the epoch, whole seconds). */
  public static PodBuilder runningPod(String namespace, String name, String ip, long sandboxReady, String containerId,
      OwnerReference controller) {
    PodBuilder b = new PodBuilder()
        .withNewMetadata().withNamespace(namespace).withName(name).withUid(UUID.randomUUID().toString()).endMetadata()
        .withNewSpec().withNodeName("n1").addNewContainer().withName("main").withImage("app").endContainer().endSpec()
        .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP(ip)
          .withStartTime(rfc3339(sandboxReady - 2_000_000_000L))
          .addNewCondition().withType(Readings.SANDBOX_READY).withStatus("True")
            .withLastTransitionTime(rfc3339(sandboxReady)).endCondition()
          .addNewContainerStatus().withName("main").withContainerID("containerd://" + containerId).withReady(true)
            .withNewState().withNewRunning().withStartedAt(rfc3339(sandboxReady)).endRunning().endState()
          .endContainerStatus()
        .endStatus();
    if (controller != null) {
      b.editMetadata().addToOwnerReferences(controller).endMetadata();
    }
    return b;
  }

  public static Pod hostNetworkPod(String namespace, String name, String nodeIp, String containerId, OwnerReference controller) {
    return runningPod(namespace, name, nodeIp, 0, containerId, controller).editSpec().withHostNetwork(true).endSpec().build();
  }

  public static ReplicaSet replicaSet(String namespace, String name, OwnerReference deployment) {
    return new ReplicaSetBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString()).addToOwnerReferences(deployment).endMetadata()
        .withNewSpec().withReplicas(1).endSpec().build();
  }

  public static Job job(String namespace, String name, OwnerReference cronJob) {
    return new JobBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString()).addToOwnerReferences(cronJob).endMetadata()
        .withNewSpec().endSpec().build();
  }

  public static Service service(String namespace, String name, String clusterIp) {
    return new ServiceBuilder().withNewMetadata().withNamespace(namespace).withName(name)
        .withUid(UUID.randomUUID().toString()).endMetadata()
        .withNewSpec().withClusterIP(clusterIp).addToClusterIPs(clusterIp).addNewPort().withPort(80).endPort().endSpec()
        .build();
  }

  public static Node node(String name, String zone, String region) {
    return new NodeBuilder().withNewMetadata().withName(name).withUid(UUID.randomUUID().toString())
        .withLabels(Map.of(Readings.ZONE, zone, Readings.REGION, region)).endMetadata().build();
  }
}
