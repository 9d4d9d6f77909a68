package io.clustertop.collector.ingest;

import io.clustertop.collector.merge.Cluster;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.stub.StreamObserver;
import java.util.function.LongSupplier;

/** The server side of {@code Ingest.Stream}: each agent stream checked message by message, then merged. */
public final class IngestService extends IngestGrpc.IngestImplBase {
  private final Cluster cluster;
  private final MessageValidator validator;
  private final CollectorMetrics metrics;

  public IngestService(Cluster cluster, IngestLimits limits, CollectorMetrics metrics, LongSupplier clock) {
    this.cluster = cluster;
    this.validator = new MessageValidator(limits, clock);
    this.metrics = metrics;
  }

  @Override
  public StreamObserver<AgentMessage> stream(StreamObserver<Ack> responses) {
    return new AgentStream(cluster, validator, metrics, responses);
  }
}
