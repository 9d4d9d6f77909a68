package io.clustertop.kafka.publish;

import io.clustertop.proto.v1.DeltaBatch;
import java.time.Duration;

/**
 * When an agent publishing to Kafka owes a full state: every {@code period} of its batches' own
 * time, counted from the start of its first batch. Live, that is the wall clock; a replay keeps
 * its pace ({@code ReplayPace}), so a file gives the same full states at every run.
 *
 * <p>Thread safety: none; the publisher calls it under its lock.
 */
final class FullStateClock {
  private final long periodNanos;
  private long dueAt = Long.MIN_VALUE;

  FullStateClock(Duration period) {
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException("the full-state period must be positive: " + period);
    }
    this.periodNanos = period.toNanos();
  }

  /** {@code batch} was made: true if a full state is due after it. */
  boolean dueAfter(DeltaBatch batch) {
    if (dueAt == Long.MIN_VALUE) {
      dueAt = batch.getStartUnixNanos() + periodNanos;
    }
    return batch.getEndUnixNanos() >= dueAt;
  }

  /** A full state was made after the batch that ended at {@code endUnixNanos}: the next is a period on. */
  void made(long endUnixNanos) {
    while (dueAt <= endUnixNanos) {
      dueAt += periodNanos;
    }
  }
}
