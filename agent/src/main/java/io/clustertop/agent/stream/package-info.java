/**
 * The agent's side of the ingest stream: what a monitor counts each second goes to the collector,
 * through a {@link io.clustertop.agent.stream.BatchTransport}: gRPC here ({@code IngestClient}), or
 * Kafka (the kafka module's {@code KafkaPublisher}), which hold and number batches the same way.
 *
 * <pre>
 *   Monitor --interval--> [ReplayPace] --> BatchProducer --DeltaBatch--> IngestClient --gRPC--> collector
 *   (aggregation thread)                    | builds the FullState     | BatchBuffer (600 batches,
 *                                           | when the transport       |  oldest dropped into a Gap)
 *                                           | wants one, on the        | Backoff (full jitter, 30 s cap)
 *                                           | table's own thread
 * </pre>
 *
 * <p>Every batch is numbered within the agent's epoch and kept until the collector acknowledges
 * it, so a broken stream loses nothing but time: the next stream replays what was not
 * acknowledged, and the collector's dedup on (agent, epoch, sequence) counts each byte once. Only
 * an outage longer than the buffer loses traffic, and then the collector is told which span.
 */
package io.clustertop.agent.stream;
