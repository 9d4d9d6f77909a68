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
  DESTINATION_CLASSES;

  /** Its rows carry their cost. */
  public boolean costed() {
    return this != HOST_PAIRS;
  }
}
