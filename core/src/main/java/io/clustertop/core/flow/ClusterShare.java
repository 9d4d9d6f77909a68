package io.clustertop.core.flow;

/**
 * Each byte once, cluster-wide: the one rule for which part of a node's conversation the cluster
 * counts, used by the collector's merge, every view and the cost (docs/RATIONALE.md, "Each byte
 * once, cluster-wide").
 *
 * <p>Every node's agent reports its own side of its conversations. A conversation with an address
 * no agent announces is the node's alone to count, both ways ({@link #WHOLE}). A conversation with
 * another node is reported by both nodes, so each counts only what it sent: the bytes it received
 * are the other node's sent bytes. In the cluster's host-pair views such a conversation is turned
 * so that the lower address is on the left, and both nodes' shares land in one row: the node with
 * the higher address shares its sent bytes as the row's received ones ({@link #SENT_TURNED}).
 *
 * <p>Whether the remote end is a node is decided with the nodes known at the time; the share is a
 * pure function of that and the conversation, so it is derived, never stored. A node's end is one of
 * its own addresses, or (the collector reading Kubernetes) the address of a pod that ran on it when
 * the conversation was first seen: without an overlay a pod's own address is on the wire, and the
 * pod's node reports the conversation too.
 */
public enum ClusterShare {
  /** The remote end runs no agent: everything counts, as is. */
  WHOLE,
  /** The remote end is a node with a higher address: what this node sent counts, as sent. */
  SENT,
  /** The remote end is a node with a lower address: what this node sent counts, as the turned row's received. */
  SENT_TURNED;

  /**
   * @param remoteIsNode the remote end is a node the collector knows: an address its agent announces,
   *     or a pod's on it (when the conversation was first seen)
   */
  public static ClusterShare of(boolean remoteIsNode, boolean remoteAbove) {
    return !remoteIsNode ? WHOLE : remoteAbove ? SENT : SENT_TURNED;
  }

  /** The share of {@code v} as the cluster's host-pair views count it (turned where {@link #turned}). */
  public Volume of(Volume v) {
    return switch (this) {
      case WHOLE -> v;
      case SENT -> v.sentOnly();
      case SENT_TURNED -> v.sentAsReceived();
    };
  }

  /** The share of {@code v} left as the node sees it: what it sent, and what it received from outside. */
  public Volume unturned(Volume v) {
    return this == WHOLE ? v : v.sentOnly();
  }

  /** The node's received bytes count too: they came from outside the nodes. */
  public boolean countsReceived() {
    return this == WHOLE;
  }

  /** The cluster's row has this conversation's two ends swapped. */
  public boolean turned() {
    return this == SENT_TURNED;
  }

  /**
   * Where a field of the cluster's (turned) share comes from in the node's volume, fields in
   * {@link Volume}'s order (sent bytes, sent packets, received bytes, received packets); -1: none.
   */
  public int sourceField(int field) {
    return switch (this) {
      case WHOLE -> field;
      case SENT -> field < 2 ? field : -1;
      case SENT_TURNED -> field >= 2 ? field - 2 : -1;
    };
  }

  /** {@link #sourceField} for the unturned share. */
  public int unturnedSourceField(int field) {
    return this == WHOLE || field < 2 ? field : -1;
  }

  private static final int[][] MAPS = new int[values().length][];
  private static final int[][] UNTURNED_MAPS = new int[values().length][];

  static {
    for (ClusterShare s : values()) {
      MAPS[s.ordinal()] = new int[4];
      UNTURNED_MAPS[s.ordinal()] = new int[4];
      for (int f = 0; f < 4; f++) {
        MAPS[s.ordinal()][f] = s.sourceField(f);
        UNTURNED_MAPS[s.ordinal()][f] = s.unturnedSourceField(f);
      }
    }
  }

  /** {@link #sourceField} for each field, as the compact tables copy a share; shared, not to be changed. */
  public int[] fieldMap() {
    return MAPS[ordinal()];
  }

  /** {@link #unturnedSourceField} for each field; shared, not to be changed. */
  public int[] unturnedFieldMap() {
    return UNTURNED_MAPS[ordinal()];
  }
}
