/**
 * The agent's side of Apache Kafka: {@code clustertop agent --kafka} publishes the batches and full
 * states it would stream to a collector, through the same {@link io.clustertop.agent.stream.BatchTransport}.
 *
 * <pre>
 *   BatchProducer --offer--> KafkaPublisher: BatchBuffer (bounded, overflow -> Gap)
 *                               | publisher thread, one record in flight:
 *                               |   TopicSetup (create if missing) -> NodeRecord -> LogRecord, LogRecord, ...
 *                               v
 *   producer (acks=all, idempotent, no delivery timeout)
 *     -> NAME        key = agent id   LogRecord{identity, batch | full state}   (delete, 1 h)
 *     -> NAME-nodes  key = node name  NodeRecord{identity, topic, period}       (compacted)
 * </pre>
 */
package io.clustertop.kafka.publish;
