package io.clustertop.collector.ingest;

import io.clustertop.auth.ClaimCheck;
import io.clustertop.auth.PeerIdentity;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Hello;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Agents' streams without gRPC: each stream (any object) gets its own {@link IngestSession}, the
 * collector's real edge, and its messages go through it as gRPC would deliver them (decoded from
 * their bytes by the service's own {@link ReportMarshaller}). A refused
 * message throws with the status the stream ended with.
 */
public final class LocalAgents {
  private final MergeStore merge;
  private final MessageValidator validator;
  private final IngestLimits limits;
  private final CollectorMetrics metrics;
  private final ClaimCheck claims;
  private final Map<Object, Stream> streams = new HashMap<>();
  private final HelloRate hellos;
  private final ReportMarshaller marshaller = new ReportMarshaller(Integer.MAX_VALUE);

  public LocalAgents(MergeStore merge, IngestLimits limits, CollectorMetrics metrics, LongSupplier clock) {
    this(merge, limits, metrics, clock, new ClaimCheck(java.util.List.of()));
  }

  /** @param claims what speakers may claim (the cluster networks) */
  public LocalAgents(MergeStore merge, IngestLimits limits, CollectorMetrics metrics, LongSupplier clock,
      ClaimCheck claims) {
    this.merge = merge;
    this.validator = new MessageValidator(limits, clock);
    this.limits = limits;
    this.metrics = metrics;
    this.claims = claims;
    this.hellos = new HelloRate(limits.maxHellosPerMinute(), clock);
  }

  /** A stream's answers, as the agent would read them. */
  private static final class Stream implements StreamObserver<Ack> {
    IngestSession session;
    Ack last;
    Status end;

    @Override
    public void onNext(Ack ack) {
      last = ack;
    }

    @Override
    public void onError(Throwable t) {
      end = Status.fromThrowable(t);
    }

    @Override
    public void onCompleted() {
      end = Status.OK;
    }
  }

  /** Opens a new stream for {@code stream} (ending the one it had) with its Hello, without TLS. */
  public Ack hello(Object stream, Hello hello) {
    return hello(stream, hello, null);
  }

  /**
   * The same from a speaker with {@code identity}, as mutual TLS would give it (the names of a
   * certificate, without the handshake: the real one is the launcher's tests').
   */
  public Ack hello(Object stream, Hello hello, PeerIdentity identity) {
    Stream old = streams.remove(stream);
    if (old != null) {
      old.session.onCompleted();
    }
    Stream s = new Stream();
    s.session = new IngestSession(merge, validator, limits, metrics, s, "local", identity, claims, "local " + stream,
        hellos::admit);
    streams.put(stream, s);
    return send(stream, AgentMessage.newBuilder().setHello(hello).build());
  }

  public Ack batch(Object stream, DeltaBatch batch) {
    return send(stream, AgentMessage.newBuilder().setBatch(batch).build());
  }

  public Ack fullState(Object stream, FullState state) {
    return send(stream, AgentMessage.newBuilder().setFullState(state).build());
  }

  /** The agent's stream ends (its figures stay). */
  public void disconnect(Object stream) {
    Stream s = streams.remove(stream);
    if (s != null) {
      s.session.onCompleted();
    }
  }

  private Ack send(Object stream, AgentMessage message) {
    Stream s = streams.get(stream);
    if (s == null) {
      throw new IllegalStateException("no stream open: send a Hello first");
    }
    s.last = null;
    s.session.onNext(marshaller.parse(new java.io.ByteArrayInputStream(message.toByteArray())));
    if (s.end != null) {
      throw new IllegalStateException("refused: " + s.end);
    }
    return s.last;
  }
}
