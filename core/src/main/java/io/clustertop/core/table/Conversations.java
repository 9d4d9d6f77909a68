package io.clustertop.core.table;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.Volume;

/**
 * Reading one agent epoch's {@link ConversationStore}: what views, cost and history read, and never
 * write.
 */
public interface Conversations {
  int size();

  /** One word of a conversation's packed key ({@link io.clustertop.core.flow.PackedKey}). */
  long keyField(int entry, int field);

  FlowKey key(int entry);

  /** Its owner's tag ({@link ConversationTag}). */
  int tag(int entry);

  /** Its placement's id, as its owner decided it (the groupings by placement; 0 where nothing is known). */
  int placement(int entry);

  /** A conversation's figures since it began. */
  Volume cumulative(int entry);

  /** An aggregate's figures since the start ({@link ConversationStore#TOTALS} ...). */
  Volume aggregate(int which);

  /** The conversations' slots. */
  SlotReader figures();

  /** The aggregates' slots. */
  SlotReader aggregates();

  /** The first slot written, {@link Long#MAX_VALUE} before any. */
  long firstSlot();

  /** Conversations folded into "other" since the epoch began. */
  long folded();

  /**
   * Counts the times conversations left their index (a fold moves the last into the hole; a full
   * state clears all): an index remembered elsewhere is good while this stays the same.
   */
  long moves();
}
