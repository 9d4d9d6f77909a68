package io.clustertop.collector.cost;

import io.clustertop.core.cost.Direction;

/**
 * One line of a cost ledger: a destination class, the direction the bytes crossed the cluster's edge,
 * and the remote end (an address) or the service (see {@link Service}), "other" where it was folded.
 */
public record LedgerKey(String costClass, Direction direction, String key) {
  /** What stands for remote ends or services folded away. */
  public static final String OTHER = "other";
}
