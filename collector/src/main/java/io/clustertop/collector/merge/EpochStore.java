package io.clustertop.collector.merge;

import io.clustertop.core.table.ConversationStore;
import io.clustertop.core.table.Conversations;
import io.clustertop.core.view.CaptureCounters;

/**
 * What the collector holds of one agent epoch: its conversations, totals and "other" in one compact
 * store (core's {@link ConversationStore}: each conversation once; the cluster's share is derived
 * from it, never kept), and how far the epoch is applied.
 *
 * <p>Thread safety: none; the agent's monitor guards it ({@link MergeStore}).
 */
final class EpochStore implements EpochFigures {
  final long epoch;
  final ConversationStore store = new ConversationStore();
  long appliedThrough;
  boolean awaitingFullState;
  /** A full state was applied: the store holds the epoch even if no batch followed. */
  boolean fullStateApplied;
  /** A batch's Gap covered batches never applied here, since the last full state: only a full state brings their bytes back. */
  boolean lostBatches;
  /** Bytes applied, both ways: what the overflow check adds a batch to. */
  long appliedBytes;
  CaptureCounters counters = CaptureCounters.ZERO;
  /** The latest slot a batch of this epoch went into: the next one goes there or later. */
  long lastSlot = Long.MIN_VALUE;
  /** Which membership its conversations' tags were decided with ({@code MergeStore}'s tag generation). */
  int tagGeneration = -1;
  /**
   * Which growth of the known nodes its "other"'s shares were derived with ({@code MergeStore}'s
   * known growth); set when it is made, since a store made now holds nothing to derive again.
   */
  int shareGeneration;

  EpochStore(long epoch, int shareGeneration) {
    this.epoch = epoch;
    this.shareGeneration = shareGeneration;
  }

  @Override
  public long epoch() {
    return epoch;
  }

  @Override
  public boolean settled() {
    return !awaitingFullState;
  }

  @Override
  public Conversations conversations() {
    return store;
  }

  /** Nothing was ever applied to it. */
  boolean empty() {
    return appliedThrough == 0 && !fullStateApplied && store.size() == 0;
  }
}
