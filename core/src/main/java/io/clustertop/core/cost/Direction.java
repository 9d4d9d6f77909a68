package io.clustertop.core.cost;

/**
 * Which way a byte crossed the cluster's edge, which decides which prices it pays. A byte is counted
 * once (collector's each-byte-once rule), so a byte between two nodes is one INTERNAL byte, charged
 * both the class's egress (the sender's) and its ingress (the receiver's) price.
 */
public enum Direction {
  /** A node sent it to something outside the cluster's nodes: the egress price. */
  EGRESS("egress"),
  /** A node received it from something outside: the ingress price. */
  INGRESS("ingress"),
  /** A node sent it to another node: egress and ingress price, both sides are ours. */
  INTERNAL("internal");

  private final String label;

  Direction(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  public static Direction byLabel(String label) {
    for (Direction d : values()) {
      if (d.label.equals(label)) {
        return d;
      }
    }
    throw new IllegalArgumentException("no direction " + label);
  }
}
