package io.clustertop.collector.placement;

import io.clustertop.core.attribution.FlowOwners;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.rows.Placement;
import io.clustertop.core.rows.Placements;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.kubernetes.PodRef;
import io.clustertop.kubernetes.ServiceRef;
import io.clustertop.kubernetes.Workload;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides conversations' placements: the rules, in one place.
 *
 * <ul>
 *   <li>Process: {@code command[pid]} as the agent named it; {@code (unattributed)} where it looked
 *       and no socket carries it; {@code (attributing)} where it has not said (yet, or ever: an agent
 *       replaying a file).
 *   <li>Container: its name, else its short id; {@code (host)} for a process in none; for
 *       conversations without a process, as the process.
 *   <li>Pod: the pod that held the local address at the time of the bytes
 *       ({@link ClusterMetadata#podAt}); else the pod of the process's container (a pod of the host
 *       network shares its node's address: {@link ClusterMetadata#podOfContainer}); else {@code (host)}
 *       on the node's own address, {@code (no pod)} on any other. Its namespace and workload
 *       ({@code namespace/Kind/name}) follow it, named alike where there is no pod.
 *   <li>Service: the Service whose ClusterIP the remote end was at that time, else {@code (no service)}.
 * </ul>
 *
 * <p>And one rule of the remote end, for each byte once ({@link #nodeOfPod}): the node of the pod
 * that held the remote address at that time, whose traffic that node's agent reports too.
 *
 * <p>Bounded: owners (a node's process) and placements at {@code max} each; past it a conversation
 * gets the untracked placement, counted ({@link #refused()}).
 *
 * <p>Thread safety: safe (agents' batches are applied on several threads at once).
 */
public final class Placer {
  /** Placements (and processes) tracked by default: see {@link Placements}. */
  public static final int DEFAULT_MAX = 1_000_000;
  /** The owner id of a process past the bound. */
  private static final int UNTRACKED_OWNER = Integer.MAX_VALUE;

  private final ClusterMetadata metadata;
  private final Placements placements;
  private final int max;
  private final ConcurrentHashMap<NodeProcess, Integer> owners = new ConcurrentHashMap<>();
  private final AtomicInteger nextOwner = new AtomicInteger(1);
  private final AtomicLong ownersRefused = new AtomicLong();

  private record NodeProcess(int nodeId, LocalProcess process) {}

  /**
   * @param metadata what Kubernetes says, or null where it is not read
   * @param max most placements, and most processes, tracked
   */
  public Placer(ClusterMetadata metadata, int max) {
    this.metadata = metadata;
    this.placements = new Placements(max);
    this.max = max;
  }

  public Placements placements() {
    return placements;
  }

  /** Kubernetes is read: the groupings by namespace, workload, pod and Service mean something. */
  public boolean kubernetes() {
    return metadata != null;
  }

  public ClusterMetadata metadata() {
    return metadata;
  }

  /**
   * The owner id of a node's process: equal ids, the same process. {@link FlowOwners#UNKNOWN} and
   * {@link FlowOwners#UNATTRIBUTED} stand for themselves.
   */
  public int owner(int nodeId, LocalProcess process) {
    NodeProcess key = new NodeProcess(nodeId, process);
    Integer id = owners.get(key);
    if (id != null) {
      return id;
    }
    if (owners.size() >= max) {
      ownersRefused.incrementAndGet();
      return UNTRACKED_OWNER;
    }
    return owners.computeIfAbsent(key, k -> nextOwner.getAndIncrement());
  }

  /**
   * The placement of a conversation of node {@code node} at {@code unixNanos}.
   *
   * @param owner its owner id ({@link #owner}, or {@link FlowOwners#UNKNOWN}, {@link FlowOwners#UNATTRIBUTED})
   * @param process the owner's process, or null where there is none
   * @param nodeAddresses the node's own addresses
   */
  public int place(int owner, LocalProcess process, List<IpAddress> nodeAddresses, IpAddress local, IpAddress remote,
      long unixNanos) {
    if (owner == UNTRACKED_OWNER) {
      return Placements.FULL;
    }
    String processName = process != null ? process.label()
        : owner == FlowOwners.UNATTRIBUTED ? Placement.UNATTRIBUTED : Placement.ATTRIBUTING;
    String container = process == null ? processName
        : process.inContainer() ? process.container().label() : Placement.HOST;
    PodRef pod = null;
    ServiceRef service = null;
    if (metadata != null) {
      pod = metadata.podAt(local, unixNanos);
      if (pod == null && process != null && process.inContainer()) {
        pod = metadata.podOfContainer(process.container().id());
      }
      service = metadata.serviceAt(remote, unixNanos);
    }
    String serviceName = service == null ? Placement.NO_SERVICE : service.namespace() + "/" + service.name();
    Placement p;
    if (pod == null) {
      String none = nodeAddresses.contains(local) ? Placement.HOST : Placement.NO_POD;
      p = new Placement(processName, container, none, none, none, serviceName);
    } else {
      Workload w = pod.workload();
      p = new Placement(processName, container, pod.namespace(), pod.namespace() + "/" + w.kind() + "/" + w.name(),
          pod.namespace() + "/" + pod.name(), serviceName);
    }
    return placements.id(p);
  }

  /**
   * The node of the pod that held {@code address} at {@code unixNanos}, or null: none did (as far as
   * the API had shown), or Kubernetes is not read. A pod of the host network holds no address of its
   * own ({@link ClusterMetadata#podAt}): its node's address is the node's already. One lookup, asked
   * once per conversation, when it first comes (docs/RATIONALE.md, "Each byte once, cluster-wide").
   */
  public String nodeOfPod(IpAddress address, long unixNanos) {
    if (metadata == null) {
      return null;
    }
    PodRef pod = metadata.podAt(address, unixNanos);
    return pod == null || pod.hostNetwork() || pod.node().isEmpty() ? null : pod.node();
  }

  /** Processes and placements not tracked at the bound. */
  public long refused() {
    return placements.refused() + ownersRefused.get();
  }
}
