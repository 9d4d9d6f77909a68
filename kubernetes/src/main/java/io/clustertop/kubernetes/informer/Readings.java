package io.clustertop.kubernetes.informer;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kubernetes.MetadataStore;
import io.clustertop.kubernetes.Owner;
import io.clustertop.kubernetes.OwnerFacts;
import io.clustertop.kubernetes.PodFacts;
import io.clustertop.kubernetes.ServiceFacts;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The API's objects read into the store's facts: the one place that knows the fabric8 model and
 * what each field means for who held an address when.
 */
final class Readings {
  static final String ZONE = "topology.kubernetes.io/zone";
  static final String REGION = "topology.kubernetes.io/region";
  /** Before Kubernetes 1.17 the same labels had these names; old nodes may still carry only them. */
  static final String OLD_ZONE = "failure-domain.beta.kubernetes.io/zone";
  static final String OLD_REGION = "failure-domain.beta.kubernetes.io/region";
  /** The condition the kubelet sets once the pod's sandbox and network (its address) are ready (1.29+). */
  static final String SANDBOX_READY = "PodReadyToStartContainers";

  private Readings() {}

  static PodFacts pod(Pod pod, long seenAt) {
    ObjectMeta m = pod.getMetadata();
    PodSpec spec = Optional.ofNullable(pod.getSpec()).orElseGet(PodSpec::new);
    PodStatus status = Optional.ofNullable(pod.getStatus()).orElseGet(PodStatus::new);
    String phase = status.getPhase();
    boolean ended = "Succeeded".equals(phase) || "Failed".equals(phase);
    return new PodFacts(m.getUid(), m.getNamespace(), m.getName(), Optional.ofNullable(spec.getNodeName()).orElse(""),
        Boolean.TRUE.equals(spec.getHostNetwork()), addresses(status), holdsSince(status, seenAt),
        ended ? endedAt(status, seenAt) : 0, containerIds(status), controller(m));
  }

  static OwnerFacts owner(HasMetadata owner) {
    ObjectMeta m = owner.getMetadata();
    return new OwnerFacts(m.getUid(), owner.getKind(), m.getNamespace(), m.getName(), controller(m));
  }

  static ServiceFacts service(Service service, long seenAt) {
    ObjectMeta m = service.getMetadata();
    List<String> ips = new ArrayList<>();
    if (service.getSpec() != null) {
      if (service.getSpec().getClusterIPs() != null && !service.getSpec().getClusterIPs().isEmpty()) {
        ips.addAll(service.getSpec().getClusterIPs());
      } else if (service.getSpec().getClusterIP() != null) {
        ips.add(service.getSpec().getClusterIP());
      }
    }
    // "None" (headless) and "" parse as no address
    List<IpAddress> addresses = ips.stream().flatMap(ip -> IpAddress.parseNumeric(ip).stream()).distinct().toList();
    return new ServiceFacts(m.getUid(), m.getNamespace(), m.getName(), addresses, time(m.getCreationTimestamp(), seenAt));
  }

  static NodePlace node(Node node) {
    Map<String, String> labels = Optional.ofNullable(node.getMetadata().getLabels()).orElse(Map.of());
    String zone = labels.getOrDefault(ZONE, labels.getOrDefault(OLD_ZONE, ""));
    String region = labels.getOrDefault(REGION, labels.getOrDefault(OLD_REGION, ""));
    return zone.isEmpty() && region.isEmpty() ? NodePlace.UNKNOWN : new NodePlace(zone, region);
  }

  /** {@code status.podIPs} (both families), else {@code status.podIP}. */
  private static List<IpAddress> addresses(PodStatus status) {
    Stream<String> ips = status.getPodIPs() != null && !status.getPodIPs().isEmpty()
        ? status.getPodIPs().stream().map(PodIP::getIp)
        : Stream.ofNullable(status.getPodIP());
    return ips.filter(ip -> ip != null).flatMap(ip -> IpAddress.parseNumeric(ip).stream()).distinct().toList();
  }

  /**
   * When the pod got its address: its sandbox was ready (the condition's time), else when the kubelet
   * took it ({@code status.startTime}, a little before), else when it was seen.
   */
  private static long holdsSince(PodStatus status, long seenAt) {
    if (status.getConditions() != null) {
      for (PodCondition c : status.getConditions()) {
        if (SANDBOX_READY.equals(c.getType()) && "True".equals(c.getStatus()) && c.getLastTransitionTime() != null) {
          return time(c.getLastTransitionTime(), seenAt);
        }
      }
    }
    return time(status.getStartTime(), seenAt);
  }

  /** A finished pod's end: its containers' last finish, else when it was seen finished. */
  private static long endedAt(PodStatus status, long seenAt) {
    return allContainers(status)
        .map(s -> s.getState() == null || s.getState().getTerminated() == null ? null : s.getState().getTerminated().getFinishedAt())
        .filter(t -> t != null)
        .mapToLong(t -> time(t, -1))
        .filter(t -> t >= 0)
        .max()
        .orElse(seenAt);
  }

  private static List<String> containerIds(PodStatus status) {
    return allContainers(status)
        .map(ContainerStatus::getContainerID)
        .filter(id -> id != null && !id.isEmpty())
        .map(MetadataStore::bareContainerId)
        .distinct()
        .toList();
  }

  private static Stream<ContainerStatus> allContainers(PodStatus status) {
    return Stream.of(status.getInitContainerStatuses(), status.getContainerStatuses(), status.getEphemeralContainerStatuses())
        .filter(l -> l != null)
        .flatMap(List::stream);
  }

  private static Owner controller(ObjectMeta m) {
    if (m.getOwnerReferences() == null) {
      return null;
    }
    for (OwnerReference r : m.getOwnerReferences()) {
      if (Boolean.TRUE.equals(r.getController())) {
        return new Owner(r.getKind(), r.getName(), r.getUid());
      }
    }
    return null;
  }

  /** An RFC 3339 time of the API (whole seconds, or finer) in ns since the epoch; {@code otherwise} if absent or bad. */
  static long time(String rfc3339, long otherwise) {
    if (rfc3339 == null || rfc3339.isEmpty()) {
      return otherwise;
    }
    try {
      Instant t = Instant.parse(rfc3339);
      return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    } catch (DateTimeException e) {
      return otherwise;
    }
  }
}
