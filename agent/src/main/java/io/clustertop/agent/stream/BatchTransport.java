package io.clustertop.agent.stream;

import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;

/**
 * Where an agent's batches go: the collector's gRPC stream ({@link IngestClient}) or a Kafka topic
 * (the kafka module's {@code KafkaPublisher}). {@link BatchProducer} makes the batches and, when
 * the transport wants one, the full state; the transport holds every batch in a
 * {@link BatchBuffer} until its far end has taken it, so either way a batch is lost only as an
 * explicit {@code Gap}.
 *
 * <p>Thread safety: implementations are safe for use from any thread; the aggregation thread
 * offers, the transport's own threads send.
 */
public interface BatchTransport extends AutoCloseable {
  /** Starts sending; nothing goes out before. */
  void start();

  /** Holds {@code batch} (sequence one more than the last) until its far end has taken it, and sends it when it can. */
  void offer(DeltaBatch batch);

  /**
   * True while the transport wants a full state: the owner of the conversation table should build
   * one after its latest batch and {@link #offerFullState offer} it.
   */
  boolean fullStateWanted();

  /** The full state asked for, which includes every batch up to its sequence. */
  void offerFullState(FullState state);

  /** Every batch offered so far has been taken by the far end. */
  boolean allAcknowledged();

  /** Stops sending and lets go of the connection. Idempotent. */
  @Override
  void close();
}
