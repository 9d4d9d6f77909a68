package io.clustertop.collector.ingest;

import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.peer.PeerKey;
import io.clustertop.core.report.Report;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ServerCalls;
import java.util.function.LongSupplier;

/**
 * The server side of {@code Ingest.Stream}: an {@link IngestSession} per agent stream, in front of the
 * merge. Its messages are decoded from their bytes straight into core's types (proto's
 * {@link FlowWire#decode}): the same method on the wire, with a marshaller of its own, so no
 * protobuf object is made per flow.
 */
public final class IngestService {
  private final MergeStore merge;
  private final IngestLimits limits;
  private final MessageValidator validator;
  private final CollectorMetrics metrics;

  private final ReportMarshaller marshaller;
  private final HelloRate hellos;

  /** @param maxMessageBytes the longest message read ({@code --max-message-bytes}); longer ones are refused, counted */
  public IngestService(MergeStore merge, IngestLimits limits, CollectorMetrics metrics, LongSupplier clock,
      int maxMessageBytes) {
    this.merge = merge;
    this.marshaller = new ReportMarshaller(maxMessageBytes);
    this.hellos = new HelloRate(limits.maxHellosPerMinute(), clock);
    this.limits = limits;
    this.validator = new MessageValidator(limits, clock);
    this.metrics = metrics;
  }

  /** The service as the server adds it: with the interceptor that tells each session its peer's address. */
  public ServerServiceDefinition definition() {
    MethodDescriptor<Report, Ack> stream = IngestGrpc.getStreamMethod()
        .toBuilder(marshaller, ProtoUtils.marshaller(Ack.getDefaultInstance())).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(IngestGrpc.SERVICE_NAME)
        .addMethod(stream, ServerCalls.asyncBidiStreamingCall(
            responses -> new IngestSession(merge, validator, limits, metrics, responses, PeerAddress.current(), PeerKey.endpoint(), hellos)))
        .build();
    return ServerInterceptors.intercept(service, new PeerAddress(), new PeerKey());
  }
}
