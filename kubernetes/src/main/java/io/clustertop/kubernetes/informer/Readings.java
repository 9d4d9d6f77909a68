package io.clustertop.kubernetes.informer;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kubernetes.MetadataStore;
import io.clustertop.kubernetes.Owner;
import io.clustertop.kubernetes.OwnerFacts;
import io.clustertop.kubernetes.PodFacts;
import io.clustertop.kubernetes.ServiceFacts;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpecBuilder;
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

  // ---- trims: what the informers keep of each object (TrimmingStore); exactly what the readings below use

  /** Metadata without managed fields, labels, annotations: name, namespace, uid, version, owners stay. */
  private static void trimMetadata(HasMetadata o) {
    ObjectMeta m = o.getMetadata();
    m.setManagedFields(null);
    m.setAnnotations(null);
    m.setLabels(null);
    m.setFinalizers(null);
    m.setGenerateName(null);
    m.setAdditionalProperties(null);
  }

  static Pod trim(Pod pod) {
    trimMetadata(pod);
    PodSpec spec = pod.getSpec();
    pod.setSpec(spec == null ? null : new PodSpecBuilder().withNodeName(spec.getNodeName())
        .withHostNetwork(spec.getHostNetwork()).build());
    PodStatus s = pod.getStatus();
    if (s != null) {
      PodStatus kept = new PodStatus();
      kept.setPhase(s.getPhase());
      kept.setPodIP(s.getPodIP());
      kept.setPodIPs(s.getPodIPs());
      kept.setStartTime(s.getStartTime());
      if (s.getConditions() != null) {
        kept.setConditions(s.getConditions().stream().filter(c -> SANDBOX_READY.equals(c.getType())).toList());
      }
      kept.setInitContainerStatuses(trim(s.getInitContainerStatuses()));
      kept.setContainerStatuses(trim(s.getContainerStatuses()));
      kept.setEphemeralContainerStatuses(trim(s.getEphemeralContainerStatuses()));
      pod.setStatus(kept);
    }
    pod.setAdditionalProperties(null);
    return pod;
  }

  /** A container's id, and when it finished if it has. */
  private static List<ContainerStatus> trim(List<ContainerStatus> statuses) {
    if (statuses == null) {
      return null;
    }
    return statuses.stream().map(c -> {
      ContainerStatus kept = new ContainerStatus();
      kept.setContainerID(c.getContainerID());
      if (c.getState() != null && c.getState().getTerminated() != null) {
        kept.setState(new ContainerStateBuilder().withNewTerminated()
            .withFinishedAt(c.getState().getTerminated().getFinishedAt()).endTerminated().build());
      }
      return kept;
    }).toList();
  }

  static Service trim(Service service) {
    trimMetadata(service);
    if (service.getSpec() != null) {
      service.setSpec(new ServiceSpecBuilder().withClusterIP(service.getSpec().getClusterIP())
          .withClusterIPs(service.getSpec().getClusterIPs()).build());
    }
    service.setStatus(null);
    service.setAdditionalProperties(null);
    return service;
  }

  /** A node's zone and region labels, nothing else (its status alone lists every image it holds). */
  static Node trim(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    trimMetadata(node);
    if (labels != null) {
      Map<String, String> kept = new java.util.HashMap<>(4);
      for (String key : List.of(ZONE, REGION, OLD_ZONE, OLD_REGION)) {
        if (labels.containsKey(key)) {
          kept.put(key, labels.get(key));
        }
      }
      node.getMetadata().setLabels(kept);
    }
    node.setSpec(null);
    node.setStatus(null);
    node.setAdditionalProperties(null);
    return node;
  }

  /** A ReplicaSet or Job: its name and owners. */
  static <T extends HasMetadata> T trimOwner(T owner) {
    trimMetadata(owner);
    return owner;
  }

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
