package io.clustertop.relay;

import java.util.List;

/**
 * What a relay is started with.
 *
 * @param shards {@code HOST:PORT} of each collector, in the order views name them; none when they are
 *     discovered (each then {@link RelayServer#join joins} and {@link RelayServer#leave leaves} as it comes and goes)
 * @param shardLimitFactor K, the rows asked of each shard, is this times the request's limit
 * @param lateNanos how long after a shard's view of a new slot the other shards' are waited for
 *     before the slot is merged without them (their earlier view used, and said)
 * @param maxViews distinct views served at once, each a stream to every shard; more are refused
 */
public record RelayOptions(List<String> shards, int shardLimitFactor, long lateNanos, int maxViews) {
  public static final int DEFAULT_SHARD_LIMIT_FACTOR = 4;
  /** Collectors publish half a second after a slot ends; one more second covers a busy one. */
  public static final long DEFAULT_LATE_NANOS = 1_000_000_000L;
  /** Consoles mostly watch a few views; each distinct one costs a stream to every shard. */
  public static final int DEFAULT_MAX_VIEWS = 200;

  public RelayOptions {
    shards = List.copyOf(shards);
    if (shardLimitFactor < 1 || lateNanos < 0 || maxViews < 1) {
      throw new IllegalArgumentException("a relay needs a factor and views of at least 1, a wait of at least 0");
    }
  }

  public RelayOptions(List<String> shards, int shardLimitFactor, long lateNanos) {
    this(shards, shardLimitFactor, lateNanos, DEFAULT_MAX_VIEWS);
  }
}
