package io.clustertop.core.cost;

import java.util.Arrays;
import java.util.Optional;

/** The destination classes every configuration has; named networks add their own. */
public enum BuiltInClass {
  /** The node itself: one of its own addresses, or loopback. */
  SAME_HOST("same-host"),
  /** Another node, or a configured cluster network, in the sender's zone. */
  SAME_ZONE("same-zone"),
  /** Another node in another zone of the same (or an unknown) region. */
  CROSS_ZONE("cross-zone"),
  /** Another node in another region. */
  CROSS_REGION("cross-region"),
  /** Another node, or a cluster network, where one side's zone is not known: never guessed as same-zone. */
  UNKNOWN_ZONE("unknown-zone"),
  /** Private addresses outside the cluster (RFC 1918, RFC 6598, link-local, IPv6 ULA). */
  PRIVATE("private"),
  /** Everything else: public addresses. */
  INTERNET("internet"),
  /** Traffic whose remote end the agent or collector folded away (past their limits): bytes kept, remote lost. */
  UNATTRIBUTED("unattributed");

  private final String label;

  BuiltInClass(String label) {
    this.label = label;
  }

  /** The name in files, reports and metrics. */
  public String label() {
    return label;
  }

  public static Optional<BuiltInClass> byLabel(String label) {
    return Arrays.stream(values()).filter(c -> c.label.equals(label)).findFirst();
  }
}
