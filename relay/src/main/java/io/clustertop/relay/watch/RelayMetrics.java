package io.clustertop.relay.watch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the relay counts: merged views and the time they took, shards found down or late, snapshots
 * a slow subscriber never got, views refused past --max-views. Read by tests and logged by the relay's owner; the relay has no
 * /metrics endpoint of its own yet (each shard's is there).
 *
 * <p>Thread safety: safe.
 */
public final class RelayMetrics {
  private final AtomicLong merges = new AtomicLong();
  private final AtomicLong mergeNanos = new AtomicLong();
  private final AtomicLong shardsDown = new AtomicLong();
  private final AtomicLong shardsLate = new AtomicLong();
  private final AtomicLong snapshotsDropped = new AtomicLong();
  private final AtomicLong viewsRefused = new AtomicLong();

  void merged(long nanos) {
    merges.incrementAndGet();
    mergeNanos.addAndGet(nanos);
  }

  void shardDown() {
    shardsDown.incrementAndGet();
  }

  void shardLate() {
    shardsLate.incrementAndGet();
  }

  void viewRefused() {
    viewsRefused.incrementAndGet();
  }

  void snapshotDropped() {
    snapshotsDropped.incrementAndGet();
  }

  public long merges() {
    return merges.get();
  }

  public long mergeNanos() {
    return mergeNanos.get();
  }

  /** Times a shard that answered (or was being reached) stopped answering. */
  public long shardsDown() {
    return shardsDown.get();
  }

  /** Shard views of a slot that had not come when the slot was merged. */
  public long shardsLate() {
    return shardsLate.get();
  }

  /** Subscriptions refused because the relay served --max-views distinct views already. */
  public long viewsRefused() {
    return viewsRefused.get();
  }

  public long snapshotsDropped() {
    return snapshotsDropped.get();
  }
}
