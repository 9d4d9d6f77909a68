package io.clustertop.collector.merge;

import io.clustertop.core.table.Conversations;

/** One agent epoch as readers see it (views, cost, history): read only, inside {@link ClusterFigures#read}. */
public interface EpochFigures {
  /** The agent's start time in nanoseconds; 0 for an agent's earlier epochs added together. */
  long epoch();

  /**
   * Its figures are the agent's: not waiting for the full state that a collector restart or a lost
   * batch asked for (until it comes, this holds only part of the epoch, or nothing).
   */
  boolean settled();

  /** Its conversations, totals and "other". */
  Conversations conversations();
}
