package io.clustertop.collector.cost;

import io.clustertop.core.cost.Direction;

/**
 * One line of a cost ledger: a destination class, the direction the bytes crossed the cluster's edge,
 * and the key of its {@link LedgerDimension}: the remote end (an address), the service (see
 * {@link io.clustertop.core.cost.Service}), the namespace or the workload; "other" where it was folded.
 */
public record LedgerKey(String costClass, Direction direction, String key) {
  /** What stands for remote ends or services folded away. */
  public static final String OTHER = "other";
  /**
   * The namespace or workload of bytes counted before the history kept those dimensions (a history
   * file from an older collector): never guessed, never dropped.
   */
  public static final String NOT_RECORDED = "(not recorded)";
}
