package io.clustertop.agent.stream;

import io.clustertop.agent.attribution.Attributor;
import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.IntervalListener;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.agent.monitor.TickListener;
import io.clustertop.core.attribution.AttributionLookup;
import io.clustertop.core.flow.Orientation;
import java.time.Duration;
import java.time.Instant;

/**
 * One agent's pipeline: a packet source counted by a monitor, each interval sent as a batch
 * through a {@link BatchTransport} (to the collector over gRPC, or to Kafka); a file is replayed at a pace and moved to now ({@link ReplayPace}). What
 * {@code clustertop agent} runs, and each node of {@code clustertop demo}.
 *
 * <p>Thread safety: {@link #run} and then {@link #awaitAcknowledged} on one thread; {@link #stop}
 * from any.
 */
public final class StreamingAgent {
  private final BatchTransport transport;
  private final BatchProducer producer;
  private final Monitor monitor;

  /**
   * @param transport not started yet; {@link #run} starts it, its owner closes it
   * @param replaySpeed for a file: its pace, as {@link ReplayPace} takes it
   */
  public StreamingAgent(PacketSource source, MonitorOptions options, BatchTransport transport, int maxFlowsPerBatch,
      double replaySpeed) {
    this(source, options, transport, maxFlowsPerBatch, replaySpeed, null);
  }

  /**
   * @param attributor started by its owner, who closes it after {@link #run}; each interval's new
   *     conversations are handed to it on the aggregation thread, and batches carry what it found;
   *     null: no attribution (a replayed file's conversations are no process's on this host)
   */
  public StreamingAgent(PacketSource source, MonitorOptions options, BatchTransport transport, int maxFlowsPerBatch,
      double replaySpeed, Attributor attributor) {
    this.transport = transport;
    this.producer = new BatchProducer(transport, maxFlowsPerBatch,
        attributor == null ? AttributionLookup.NONE : attributor);
    IntervalListener intervals = source.live() ? producer : new ReplayPace(producer, replaySpeed);
    if (attributor != null) {
      IntervalListener next = intervals;
      intervals = (flows, counters, end, table) -> {
        attributor.offer(flows);
        next.interval(flows, counters, end, table);
      };
    }
    // A node's rows are its own traffic, and a batch's totals cover its flows column by column.
    this.monitor = new Monitor(source, options.withPassing(Orientation.Passing.RECEIVED), intervals);
  }

  /** A new epoch: now, in nanoseconds since the Unix epoch, so that a restarted agent's is later. */
  public static long newEpoch() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  /**
   * Starts the transport and counts until the source ends or {@link #stop} is called, telling
   * {@code listener} of every tick (the node's own view).
   */
  public void run(TickListener listener) throws CaptureException {
    transport.start();
    monitor.run(listener);
  }

  /** Ends {@link #run} soon. */
  public void stop() {
    monitor.stop();
  }

  /** After {@link #run}: {@link BatchProducer#awaitAcknowledged}. */
  public boolean awaitAcknowledged(Duration timeout) throws InterruptedException {
    return producer.awaitAcknowledged(timeout);
  }
}
