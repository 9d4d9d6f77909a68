package io.clustertop.relay;

import java.util.List;

/**
 * What a relay is started with.
 *
 * @param shards {@code HOST:PORT} of each collector, in the order views name them
 * @param shardLimitFactor K, the rows asked of each shard, is this times the request's limit
 * @param lateNanos how long after a shard's view of a new slot the other shards' are waited for
 *     before the slot is merged without them (their earlier view used, and said)
 */
public record RelayOptions(List<String> shards, int shardLimitFactor, long lateNanos) {
  public static final int DEFAULT_SHARD_LIMIT_FACTOR = 4;
  /** Collectors publish half a second after a slot ends; one more second covers a busy one. */
  public static final long DEFAULT_LATE_NANOS = 1_000_000_000L;

  public RelayOptions {
    shards = List.copyOf(shards);
    if (shards.isEmpty() || shardLimitFactor < 1 || lateNanos < 0) {
      throw new IllegalArgumentException("a relay needs shards, a factor of at least 1 and a wait of at least 0");
    }
  }
}
