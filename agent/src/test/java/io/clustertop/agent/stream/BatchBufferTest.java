package io.clustertop.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.Gap;
import org.junit.jupiter.api.Test;

class BatchBufferTest {
  /** Batch {@code n} covers second n: [n s, n + 1 s). */
  private static DeltaBatch batch(long n) {
    return DeltaBatch.newBuilder().setSequence(n)
        .setStartUnixNanos(n * 1_000_000_000L).setEndUnixNanos((n + 1) * 1_000_000_000L).build();
  }

  private static Gap gap(long first, long last) {
    return Gap.newBuilder().setFirstSequence(first).setLastSequence(last)
        .setStartUnixNanos(first * 1_000_000_000L).setEndUnixNanos((last + 1) * 1_000_000_000L).build();
  }

  @Test
  void holdsBatchesInOrderUntilAcknowledged() {
    BatchBuffer buffer = new BatchBuffer(10);
    assertTrue(buffer.isEmpty());
    assertEquals(1, buffer.oldestHeldSequence());
    assertEquals(0, buffer.newestSequence());
    for (long n = 1; n <= 4; n++) {
      buffer.add(batch(n));
    }
    assertEquals(batch(1), buffer.after(0));
    assertEquals(batch(3), buffer.after(2));
    assertNull(buffer.after(4));
    buffer.release(2);
    assertEquals(3, buffer.oldestHeldSequence());
    assertEquals(2, buffer.size());
    assertEquals(batch(3), buffer.after(0)); // asked for a released batch: the oldest held
    buffer.release(9);
    assertTrue(buffer.isEmpty());
    assertEquals(5, buffer.oldestHeldSequence());
    buffer.add(batch(5));
    assertEquals(batch(5), buffer.after(4));
  }

  @Test
  void sequencesMustFollowEachOther() {
    BatchBuffer buffer = new BatchBuffer(10);
    buffer.add(batch(1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> buffer.add(batch(3)));
    assertEquals("batch 3 does not follow batch 1", e.getMessage());
  }

  @Test
  void whenFullTheOldestGoAndTheirSpanRidesOnTheNextAsAGap() {
    BatchBuffer buffer = new BatchBuffer(3);
    for (long n = 1; n <= 3; n++) {
      buffer.add(batch(n));
    }
    assertFalse(buffer.after(0).hasGap());
    buffer.add(batch(4));
    assertEquals(batch(2).toBuilder().setGap(gap(1, 1)).build(), buffer.after(0));
    buffer.add(batch(5));
    buffer.add(batch(6));
    assertEquals(batch(4).toBuilder().setGap(gap(1, 3)).build(), buffer.after(0));
    assertEquals(batch(5), buffer.after(4));
    assertEquals(3, buffer.droppedBatches());
    assertEquals(3, buffer.size());
  }

  @Test
  void aBufferOfOneCarriesTheGapOnTheNewBatch() {
    BatchBuffer buffer = new BatchBuffer(1);
    buffer.add(batch(1));
    buffer.add(batch(2));
    buffer.add(batch(3));
    assertEquals(batch(3).toBuilder().setGap(gap(1, 2)).build(), buffer.after(0));
  }

  @Test
  void aReleasedBatchLeavesNoGap() {
    BatchBuffer buffer = new BatchBuffer(2);
    buffer.add(batch(1));
    buffer.add(batch(2));
    buffer.release(1);
    buffer.add(batch(3));
    assertEquals(batch(2), buffer.after(0));
    assertEquals(0, buffer.droppedBatches());
  }
}
