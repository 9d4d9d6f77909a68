package io.clustertop.agent.stream;

import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.Gap;

/**
 * The batches an agent made and the collector has not yet acknowledged, oldest first, so that a
 * new stream can replay them.
 *
 * <p>Bounded by a number of batches (one a second: 600 hold 10 minutes). When full, the oldest is
 * dropped and the span it covered becomes a {@link Gap} on the batch that is now the oldest, so the
 * gap rides on the next batch sent, replays included, and the collector learns that this traffic
 * is unknown rather than zero. Consecutive drops widen the same gap.
 *
 * <p>Thread safety: every method is synchronized; the aggregation thread adds, the stream's
 * threads read and release.
 */
public final class BatchBuffer {
  /** Ten minutes of one-second batches. */
  public static final int DEFAULT_CAPACITY = 600;

  /** Batch {@code s} lives at {@code s % capacity} while {@code oldest <= s <= newestSequence}. */
  private final DeltaBatch[] ring;
  private long oldest = 1;
  private long newestSequence;
  private long droppedBatches;

  public BatchBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("the buffer must hold at least one batch: " + capacity);
    }
    this.ring = new DeltaBatch[capacity];
  }

  /**
   * Holds {@code batch}, whose sequence must follow the previous one's.
   *
   * @throws IllegalArgumentException if it does not: batches have no holes, only gaps
   */
  public synchronized void add(DeltaBatch batch) {
    if (batch.getSequence() != newestSequence + 1) {
      throw new IllegalArgumentException(
          "batch " + batch.getSequence() + " does not follow batch " + newestSequence);
    }
    if (newestSequence - oldest + 1 == ring.length) {
      DeltaBatch dropped = take(oldest++);
      droppedBatches++;
      if (oldest <= newestSequence) {
        put(oldest, take(oldest).toBuilder().setGap(widen(dropped)).build());
      } else { // a buffer of one batch: the new batch itself is next
        batch = batch.toBuilder().setGap(widen(dropped)).build();
      }
    }
    newestSequence = batch.getSequence();
    put(newestSequence, batch);
  }

  private DeltaBatch take(long sequence) {
    int i = (int) (sequence % ring.length);
    DeltaBatch b = ring[i];
    ring[i] = null;
    return b;
  }

  private void put(long sequence, DeltaBatch batch) {
    ring[(int) (sequence % ring.length)] = batch;
  }

  /** The gap that covers {@code dropped} and any gap it carried itself. */
  private static Gap widen(DeltaBatch dropped) {
    Gap.Builder gap = Gap.newBuilder()
        .setFirstSequence(dropped.getSequence())
        .setLastSequence(dropped.getSequence())
        .setStartUnixNanos(dropped.getStartUnixNanos())
        .setEndUnixNanos(dropped.getEndUnixNanos());
    if (dropped.hasGap()) {
      gap.setFirstSequence(dropped.getGap().getFirstSequence())
          .setStartUnixNanos(dropped.getGap().getStartUnixNanos());
    }
    return gap.build();
  }

  /**
   * The gap the oldest batch held carries (what was dropped before it, not yet told), or null: a
   * full state that replaces those batches carries it instead.
   */
  public synchronized Gap pendingGap() {
    DeltaBatch oldestHeld = oldest <= newestSequence ? ring[(int) (oldest % ring.length)] : null;
    return oldestHeld != null && oldestHeld.hasGap() ? oldestHeld.getGap() : null;
  }

  /** How many batches it holds at most. */
  public int capacity() {
    return ring.length;
  }

  /** The collector applied every batch up to {@code appliedThrough}: they are let go. */
  public synchronized void release(long appliedThrough) {
    while (oldest <= Math.min(appliedThrough, newestSequence)) {
      take(oldest++);
    }
  }

  /** The oldest batch held after {@code sequence}, or null if there is none (yet). */
  public synchronized DeltaBatch after(long sequence) {
    long next = Math.max(sequence + 1, oldest);
    return next <= newestSequence ? ring[(int) (next % ring.length)] : null;
  }

  /** The oldest sequence held; {@link #newestSequence()} + 1 when nothing is held. */
  public synchronized long oldestHeldSequence() {
    return oldest;
  }

  /** The newest sequence made, 0 before the first batch. */
  public synchronized long newestSequence() {
    return newestSequence;
  }

  /** Nothing is waiting for an acknowledgement. */
  public synchronized boolean isEmpty() {
    return oldest > newestSequence;
  }

  public synchronized int size() {
    return (int) (newestSequence - oldest + 1);
  }

  /** Batches dropped because the buffer was full, since the start. */
  public synchronized long droppedBatches() {
    return droppedBatches;
  }
}
