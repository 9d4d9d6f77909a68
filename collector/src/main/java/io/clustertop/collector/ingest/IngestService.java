package io.clustertop.collector.ingest;

import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.StreamObserver;
import java.util.function.LongSupplier;

/** The server side of {@code Ingest.Stream}: an {@link IngestSession} per agent stream, in front of the merge. */
public final class IngestService extends IngestGrpc.IngestImplBase {
  private final MergeStore merge;
  private final IngestLimits limits;
  private final MessageValidator validator;
  private final CollectorMetrics metrics;

  public IngestService(MergeStore merge, IngestLimits limits, CollectorMetrics metrics, LongSupplier clock) {
    this.merge = merge;
    this.limits = limits;
    this.validator = new MessageValidator(limits, clock);
    this.metrics = metrics;
  }

  /** The service as the server adds it: with the interceptor that tells each session its peer's address. */
  public ServerServiceDefinition definition() {
    return ServerInterceptors.intercept(this, new PeerAddress());
  }

  @Override
  public StreamObserver<AgentMessage> stream(StreamObserver<Ack> responses) {
    return new IngestSession(merge, validator, limits, metrics, responses, PeerAddress.current());
  }
}
