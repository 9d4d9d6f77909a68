package io.clustertop.kubernetes;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;

/**
 * What the collector asks about an address, a container or a node while it applies a batch: who
 * held this address when these bytes were counted.
 *
 * <pre>
 *   API server --list+watch--> informer (Pods, Services, Nodes, ReplicaSets, Jobs)
 *     -> facts (plain records, no fabric8 types) -> MetadataStore (one writer lock)
 *   collector, per conversation --podAt / serviceAt / podOfContainer / node--> MetadataStore (no lock)
 * </pre>
 *
 * <p>Pod and Service addresses are reused, so the answer depends on the time: each address keeps a
 * short history of its holders ({@link io.clustertop.kubernetes.history.AddressHistory}), and a
 * lookup takes the time the bytes were counted, in nanoseconds since the epoch (the batches' time).
 *
 * <p>Thread safety: every method may be called from any thread, at any time, while the API is being
 * watched. Performance: lookups take no lock and allocate nothing (they return objects the store
 * already holds, or null); they cost a hash lookup and a scan of the address's few intervals
 * ({@code KubernetesLookupBenchmark} in benchmarks measures them).
 */
public interface ClusterMetadata {

  /** The pod that held this address at that time (not hostNetwork pods: they share the node's), or null. */
  PodRef podAt(IpAddress address, long unixNanos);

  /** The Service whose ClusterIP this address was at that time, or null. */
  ServiceRef serviceAt(IpAddress address, long unixNanos);

  /**
   * The pod running this container, or null: how the pods of the host network, which share the
   * node's address, are told apart (the agent names a local socket's container). The id as the
   * container runtime writes it, 64 hex digits, with or without the {@code containerd://} kind of
   * prefix the API shows.
   */
  PodRef podOfContainer(String containerId);

  /** Zone and region of a node from its {@code topology.kubernetes.io} labels; {@link NodePlace#UNKNOWN} if not known. */
  NodePlace node(String nodeName);

  /** The state of the connection to the API server and of the bounded tables, for the status line and /metrics. */
  MetadataStatus status();
}
