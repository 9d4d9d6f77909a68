package io.clustertop.collector.ingest;

import io.clustertop.auth.ClaimCheck;
import io.clustertop.auth.PeerIdentity;
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
import io.grpc.stub.StreamObserver;
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
  private final ClaimCheck claims;

  private final ReportMarshaller marshaller;
  private final HelloRate hellos;

  /**
   * @param claims which nodes and addresses a speaker may claim (its certificate, the cluster networks)
   * @param maxMessageBytes the longest message read ({@code --max-message-bytes}); longer ones are refused, counted
   */
  public IngestService(MergeStore merge, IngestLimits limits, CollectorMetrics metrics, LongSupplier clock,
      ClaimCheck claims, int maxMessageBytes) {
    this.merge = merge;
    this.marshaller = new ReportMarshaller(maxMessageBytes);
    this.hellos = new HelloRate(limits.maxHellosPerMinute(), clock);
    this.limits = limits;
    this.validator = new MessageValidator(limits, clock);
    this.metrics = metrics;
    this.claims = claims;
  }

  /**
   * The service as the server adds it: with the interceptor that tells each session its peer's
   * address. Its identity (mutual TLS) comes from auth's AccessInterceptor, which the server runs
   * before every call.
   */
  public ServerServiceDefinition definition() {
    MethodDescriptor<Report, Ack> stream = IngestGrpc.getStreamMethod()
        .toBuilder(marshaller, ProtoUtils.marshaller(Ack.getDefaultInstance())).build();
    ServerServiceDefinition service = ServerServiceDefinition.builder(IngestGrpc.SERVICE_NAME)
        .addMethod(stream, ServerCalls.asyncBidiStreamingCall(
            responses -> new IngestSession(merge, validator, limits, metrics, responses, PeerAddress.current(),
                PeerIdentity.current(), claims, PeerKey.endpoint(), hellos::admit)))
        .build();
    return ServerInterceptors.intercept(service, new PeerAddress(), new PeerKey());
  }

  /**
   * A session of the same edge for messages that come another way than a gRPC stream (an agent's
   * records read from Kafka): the caller hands it one agent's messages, in order, from one thread,
   * a Hello first, and reads its answers (or the refusal that ended it) from {@code responses}.
   */
  public StreamObserver<Report> session(StreamObserver<Ack> responses, String peer) {
    // no certificate on a log record: names come from the payload, as on a plaintext stream, and
    // the cluster networks still bound what may be announced; no Hello rate: a rebuild reads many
    // agents' Hellos from the log at once, none of them a peer reconnecting
    return new IngestSession(merge, validator, limits, metrics, responses, peer, null, claims, peer, p -> true);
  }
}
