package io.clustertop.core.rows;

/** What a row of a view stands for. */
public enum Grouping {
  /** iftop's rows: host pairs, with ports when asked, hosts hidden when asked. */
  HOST_PAIRS,
  /** A row per node: its own totals. */
  NODES,
  /** A row per remote address. */
  REMOTE_ADDRESSES,
  /** A row per service: protocol and service port ({@link io.clustertop.core.flow.ServicePort}). */
  PORTS,
  /** A row per destination class, each byte once, from its sender's side. */
  DESTINATION_CLASSES,
  /** A row per node and local process ({@code command[pid]}), as the node's agent attributed it. */
  PROCESSES,
  /** A row per node and local container (its name, else its short id); processes in none are "(host)". */
  CONTAINERS,
  /** A row per Kubernetes namespace of the local end's pod. */
  NAMESPACES,
  /** A row per workload (the top of the pod's controllers) of the local end's pod. */
  WORKLOADS,
  /** A row per pod of the local end. */
  PODS,
  /** A row per Service whose ClusterIP the remote end was. */
  SERVICES;

  /** Its rows carry their cost. */
  public boolean costed() {
    return this != HOST_PAIRS;
  }

  /** Its rows stand for a {@link Placement}'s part: a conversation's row is its placement's name. */
  public boolean byPlacement() {
    return ordinal() >= PROCESSES.ordinal();
  }

  /** Its rows are a node's (a process or container is one node's): the node is part of the row. */
  public boolean perNode() {
    return this == PROCESSES || this == CONTAINERS;
  }
}
