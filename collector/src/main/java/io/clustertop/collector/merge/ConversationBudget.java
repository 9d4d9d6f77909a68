package io.clustertop.collector.merge;

/**
 * How many new conversations an agent may add now ({@code --max-new-conversations-per-second}): a
 * bucket that fills at the rate, up to {@link IngestLimits#NEW_CONVERSATION_BURST_SECONDS} seconds'
 * worth, so an agent that starts (or comes back) with many conversations at once is not held off,
 * and one that sends a new conversation for every packet is. What does not fit goes into the agent's
 * "other" ({@link MergeStore#apply}): its bytes counted, its conversation not kept.
 *
 * <p>Thread safety: none; its agent's monitor guards it, as every figure of the agent.
 */
final class ConversationBudget {
  private final double perSecond;
  private final double burst;
  private double tokens;
  private long lastNanos = Long.MIN_VALUE;

  ConversationBudget(int perSecond) {
    this.perSecond = perSecond;
    this.burst = (double) perSecond * IngestLimits.NEW_CONVERSATION_BURST_SECONDS;
    this.tokens = burst;
  }

  /**
   * Of {@code wanted} new conversations at collector time {@code nowNanos}, how many may be kept
   * now. Nothing is taken: the caller takes what it added ({@link #take}), each conversation once
   * however many of its flows one message brings.
   */
  int available(int wanted, long nowNanos) {
    if (nowNanos > lastNanos) {
      if (lastNanos != Long.MIN_VALUE) {
        tokens = Math.min(burst, tokens + (nowNanos - lastNanos) / 1e9 * perSecond);
      }
      lastNanos = nowNanos;
    }
    return (int) Math.min(wanted, Math.floor(tokens));
  }

  /** {@code added} new conversations were kept: at most what {@link #available} said. */
  void take(int added) {
    tokens -= added;
  }
}
