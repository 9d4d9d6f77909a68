package io.clustertop.agent.stream;

import io.clustertop.agent.monitor.IntervalListener;
import io.clustertop.core.attribution.AttributionLookup;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.core.window.Windows;
import io.clustertop.proto.FlowWire;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns a monitor's intervals into the numbered batches of the ingest stream (1, 2, 3, ... with no
 * holes), and builds the full state when the transport asks for one: on the aggregation thread,
 * which owns the conversation table, right after the batch whose traffic it includes.
 *
 * <p>Thread safety: {@link #interval} runs on the monitor's aggregation thread; once the monitor
 * has ended, {@link #awaitAcknowledged} runs on the thread that ran it, which owns the table then.
 */
public final class BatchProducer implements IntervalListener {
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long SLOT_NANOS = TimeUnit.SECONDS.toNanos(Windows.SLOT_SECONDS);
  /** A batch that would span more than the 40-second window says it began a second before its end. */
  private static final long MAX_SPAN_NANOS = TimeUnit.SECONDS.toNanos(Windows.SLOTS * Windows.SLOT_SECONDS);

  private final BatchTransport transport;
  private final int maxFlowsPerBatch;
  private final AttributionLookup owners;
  private long sequence;
  private long previousEnd = Long.MIN_VALUE;
  private long currentSlot = -1;
  private long currentSlotStart;
  // The latest interval's, for full states after the monitor ended.
  private ConversationTable table;
  private CaptureCounters counters;

  public BatchProducer(BatchTransport transport, int maxFlowsPerBatch) {
    this(transport, maxFlowsPerBatch, AttributionLookup.NONE);
  }

  /** A producer whose batches and full states carry the local ends' processes as {@code owners} knows them. */
  public BatchProducer(BatchTransport transport, int maxFlowsPerBatch, AttributionLookup owners) {
    if (maxFlowsPerBatch < 1) {
      throw new IllegalArgumentException("the per-batch flow limit must be positive: " + maxFlowsPerBatch);
    }
    this.transport = transport;
    this.maxFlowsPerBatch = maxFlowsPerBatch;
    this.owners = owners;
  }

  @Override
  public void interval(FlowAccumulator flows, CaptureCounters counters, long endUnixNanos, ConversationTable table) {
    // The first interval is a second long; later ones start where the previous one ended, unless
    // the wall clock jumped (back, or ahead past the 40 s window): then a second before the end, so
    // a batch never ends before it starts and never reaches back beyond the collector's patience.
    long start = previousEnd;
    if (previousEnd == Long.MIN_VALUE || endUnixNanos < previousEnd || endUnixNanos - previousEnd > MAX_SPAN_NANOS) {
      start = endUnixNanos - INTERVAL_NANOS;
    }
    long end = endUnixNanos;
    previousEnd = end;
    if (table.completedSlots() != currentSlot) {
      currentSlot = table.completedSlots();
      currentSlotStart = start; // this interval is the new slot's first
    }
    this.table = table;
    this.counters = counters;
    transport.offer(FlowWire.toBatch(flows, ++sequence, start, end, counters, maxFlowsPerBatch, owners));
    answerFullState();
  }

  private void answerFullState() {
    if (table != null && transport.fullStateWanted()) {
      // Slots closed after the last interval (the monitor closes the partial one at the end) began on time.
      long slotStart = currentSlotStart + (table.completedSlots() - currentSlot) * SLOT_NANOS;
      transport.offerFullState(FlowWire.toFullState(table, sequence, slotStart, counters, owners));
    }
  }

  /** Batches made so far. */
  public long sequence() {
    return sequence;
  }

  /**
   * After the monitor has ended: waits until the transport's far end has taken every batch,
   * answering its requests for a full state meanwhile (a collector that restarts now needs one too).
   *
   * @return false if {@code timeout} passed first
   */
  public boolean awaitAcknowledged(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!transport.allAcknowledged()) {
      if (System.nanoTime() - deadline >= 0) {
        return false;
      }
      answerFullState();
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // an Ack a second is the pace: polling costs nothing
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return true;
  }
}
