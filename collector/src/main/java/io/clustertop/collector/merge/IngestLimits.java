package io.clustertop.collector.merge;

/**
 * What the collector accepts from agents, and how much it holds.
 *
 * @param maxFlowsPerBatch flows in one batch (and a full state may hold ten times as many)
 * @param maxAgents agents held at once; a new agent beyond it is turned away
 * @param maxClockSkewNanos how far a timestamp may be from the collector's clock
 * @param reorderWindow batches held after a missing one, waiting for it ({@code --max-held-batches})
 * @param maxConversationsPerAgent conversations kept per agent; past it the idlest are folded into
 *     "other", totals kept
 * @param maxHeldBytes heap the batches held after a missing one may take, per agent
 * @param maxConversations conversations kept in the whole collector; past it the idlest of all agents
 *     are folded into their "other", totals kept
 * @param agentExpiryNanos how long an agent may be gone (no stream) before it is dropped, its figures
 *     kept in the totals
 * @param maxLinkBytesPerSecond what one link carries at most ({@code --max-link-rate}, in bytes): a flow
 *     or a batch's total beyond it over the batch's interval is refused before anything is counted
 * @param maxNewConversationsPerSecond conversations an agent may add per second, with a burst of
 *     {@link #NEW_CONVERSATION_BURST_SECONDS} seconds' worth; past it the new ones go into its "other",
 *     totals exact
 * @param maxHellosPerMinute Hellos one peer may send per minute; past it they are refused
 */
public record IngestLimits(
    int maxFlowsPerBatch, int maxAgents, long maxClockSkewNanos, int reorderWindow, int maxConversationsPerAgent,
    long maxHeldBytes, int maxConversations, long agentExpiryNanos, long maxLinkBytesPerSecond,
    int maxNewConversationsPerSecond, int maxHellosPerMinute) {
  /** The shortest expiry: an agent dropped is out of every 40-second window by then, so its slots can go. */
  public static final long MIN_AGENT_EXPIRY_NANOS = 60_000_000_000L;

  /** A batch of more bytes than this is not traffic of one second: 1 PiB. */
  public static final long MAX_BATCH_BYTES = 1L << 50;
  /** An epoch's bytes stay below this, so no sum of them overflows. */
  public static final long MAX_EPOCH_BYTES = 1L << 62;

  /** 400 Gb/s, the fastest Ethernet port in common use, in bytes per second. */
  public static final long DEFAULT_MAX_LINK_BYTES_PER_SECOND = 400_000_000_000L / 8;
  /** The longest interval a batch's bytes are bounded over: an agent's batch covers about a second. */
  public static final long MAX_BATCH_INTERVAL_NANOS = 10_000_000_000L;
  /** Added to a batch's interval before the link's bound applies: clocks and batch edges are not exact. */
  public static final long LINK_SLACK_NANOS = 1_000_000_000L;
  /** A new agent (or one back after a while) may add this many seconds' worth of conversations at once. */
  public static final int NEW_CONVERSATION_BURST_SECONDS = 10;

  public IngestLimits {
    if (maxFlowsPerBatch < 1 || maxAgents < 1 || maxClockSkewNanos < 0 || reorderWindow < 1
        || maxConversationsPerAgent < 1 || maxHeldBytes < 1 || maxConversations < 1 || maxLinkBytesPerSecond < 1
        || maxNewConversationsPerSecond < 1 || maxHellosPerMinute < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxFlowsPerBatch + ", " + maxAgents);
    }
    if (agentExpiryNanos < MIN_AGENT_EXPIRY_NANOS) {
      throw new IllegalArgumentException("an agent expiry below a minute would drop slots still in the windows");
    }
  }

  public static IngestLimits defaults() {
    return new IngestLimits(10_000, 2000, 600_000_000_000L, 16, 20_000, 4L << 20, 1_000_000, 600_000_000_000L,
        DEFAULT_MAX_LINK_BYTES_PER_SECOND, 5000, 30);
  }

  /** The same limits with other bounds against a flooding agent: link rate, new conversations, Hellos. */
  public IngestLimits withFlood(long linkBytesPerSecond, int newConversationsPerSecond, int hellosPerMinute) {
    return new IngestLimits(maxFlowsPerBatch, maxAgents, maxClockSkewNanos, reorderWindow, maxConversationsPerAgent,
        maxHeldBytes, maxConversations, agentExpiryNanos, linkBytesPerSecond, newConversationsPerSecond,
        hellosPerMinute);
  }

  /**
   * The most bytes (or packets) one flow, or a batch's total, may carry over a batch's interval: the
   * link's rate over the interval (at most {@link #MAX_BATCH_INTERVAL_NANOS}) and a second's slack,
   * never more than {@link #MAX_BATCH_BYTES}.
   */
  public long maxBatchBytes(long intervalNanos) {
    long interval = Math.min(Math.max(intervalNanos, 0), MAX_BATCH_INTERVAL_NANOS) + LINK_SLACK_NANOS;
    return (long) Math.min((double) MAX_BATCH_BYTES, (double) maxLinkBytesPerSecond * interval / 1e9);
  }

  /** The same limits with another flow and agent limit (the command line's). */
  public IngestLimits with(int newMaxFlowsPerBatch, int newMaxAgents) {
    return new IngestLimits(newMaxFlowsPerBatch, newMaxAgents, maxClockSkewNanos, reorderWindow,
        maxConversationsPerAgent, maxHeldBytes, maxConversations, agentExpiryNanos, maxLinkBytesPerSecond,
        maxNewConversationsPerSecond, maxHellosPerMinute);
  }

  /** The same limits with other conversation limits: per agent epoch, and for the whole collector. */
  public IngestLimits withConversations(int perAgent, int collectorWide) {
    return new IngestLimits(maxFlowsPerBatch, maxAgents, maxClockSkewNanos, reorderWindow, perAgent, maxHeldBytes,
        collectorWide, agentExpiryNanos, maxLinkBytesPerSecond, maxNewConversationsPerSecond, maxHellosPerMinute);
  }

  public IngestLimits withHeld(int maxBatches, long maxBytes) {
    return new IngestLimits(maxFlowsPerBatch, maxAgents, maxClockSkewNanos, maxBatches, maxConversationsPerAgent,
        maxBytes, maxConversations, agentExpiryNanos, maxLinkBytesPerSecond, maxNewConversationsPerSecond,
        maxHellosPerMinute);
  }

  public IngestLimits withAgentExpiry(long nanos) {
    return new IngestLimits(maxFlowsPerBatch, maxAgents, maxClockSkewNanos, reorderWindow, maxConversationsPerAgent,
        maxHeldBytes, maxConversations, nanos, maxLinkBytesPerSecond, maxNewConversationsPerSecond, maxHellosPerMinute);
  }

  public int maxFlowsPerFullState() {
    return maxFlowsPerBatch * 10;
  }
}
