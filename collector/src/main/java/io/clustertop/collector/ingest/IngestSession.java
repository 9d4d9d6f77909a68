package io.clustertop.collector.ingest;

import io.clustertop.auth.ClaimCheck;
import io.clustertop.auth.PeerIdentity;
import io.clustertop.collector.log.RateLimitedLog;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.Joined;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.Refusal;
import io.clustertop.collector.merge.Speaker;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FullState;
import io.clustertop.core.report.Hello;
import io.clustertop.core.report.Report;
import io.clustertop.proto.v1.Ack;
import io.grpc.stub.StreamObserver;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One agent's ingest stream, the collector's edge: a Hello first, then full states and batches, each
 * already decoded from protobuf into core's types ({@link IngestService}'s marshaller, proto's
 * {@code FlowWire}), checked on its own, and answered with an Ack. It keeps the stream's protocol: which batch comes next (sequences, duplicates acked
 * again and not counted), batches that came ahead of a missing one (held, bounded by count and
 * bytes, applied in order when it comes), gaps; the merge below applies one batch at a time and
 * knows nothing of protobuf or gRPC.
 *
 * <p>Who speaks: with mutual TLS, the client certificate's {@link PeerIdentity} decides which node
 * the stream may speak for and which addresses it may announce ({@link ClaimCheck}), and the agent
 * id belongs to that node ({@link MergeStore#hello}); without TLS the Hello says, within the cluster
 * networks if they are given. A batch belongs to its stream's Hello.
 *
 * <p>The first refused message ends the stream with its status; nothing it carried was counted.
 * Held batches are dropped (and counted) when the stream ends: the agent holds them until they are
 * acknowledged, and sends them again on its next stream.
 *
 * <p>Thread safety: gRPC delivers one stream's messages one at a time, which is all it needs.
 */
final class IngestSession implements StreamObserver<Report> {
  private static final System.Logger LOG = System.getLogger(IngestSession.class.getName());
  /** Refusals by reason: a flooding agent makes one line a minute per reason, the counters have them all. */
  private static final RateLimitedLog REFUSALS = new RateLimitedLog(LOG, 60_000_000_000L);

  private final MergeStore merge;
  private final MessageValidator validator;
  private final IngestLimits limits;
  private final CollectorMetrics metrics;
  private final StreamObserver<Ack> responses;
  private final String peer;
  /** The client certificate's identity; null without mutual TLS. */
  private final PeerIdentity identity;
  private final ClaimCheck claims;
  /** The Hello's node and agent, once its names are known to be printable, for the log. */
  private String claimed;
  /** Whether a peer may say one more Hello now ({@link HelloRate#admit}, or always where Hellos are not a peer's). */
  private final Predicate<String> mayHello;
  /** Who the peer is for the Hellos counted per peer ({@code PeerKey.endpoint}). */
  private final String peerKey;
  /** Batches ahead of a missing one, by sequence, and what they take on the heap. */
  private final TreeMap<Long, Batch> held = new TreeMap<>();
  private long heldBytes;
  private long heldTraffic;
  private Speaker speaker;
  private boolean ended;

  IngestSession(MergeStore merge, MessageValidator validator, IngestLimits limits, CollectorMetrics metrics,
      StreamObserver<Ack> responses, String peer, PeerIdentity identity, ClaimCheck claims, String peerKey,
      Predicate<String> mayHello) {
    this.merge = merge;
    this.validator = validator;
    this.limits = limits;
    this.metrics = metrics;
    this.responses = responses;
    this.peer = peer;
    this.identity = identity;
    this.claims = claims;
    this.peerKey = peerKey;
    this.mayHello = mayHello;
  }

  @Override
  public void onNext(Report message) {
    if (ended) {
      return;
    }
    try {
      responses.onNext(answer(message));
    } catch (Refusal e) {
      metrics.rejected(e.problem());
      if (e.clockOff() && speaker != null) {
        merge.clockOff(speaker, e.clockOffsetNanos());
      }
      String reason = e.problem().name().toLowerCase(java.util.Locale.ROOT);
      REFUSALS.log(Level.WARNING, reason, "refused {0} from {1}: {2} ({3})", who(), peer, e.getMessage(), reason);
      end();
      responses.onError(RefusalStatus.of(e).asRuntimeException());
    }
  }

  private Ack answer(Report message) throws Refusal {
    switch (message) {
      case Hello hello -> {
        if (speaker != null) {
          throw new Refusal(Refusal.Kind.WRONG_STATE, InputProblem.PROTOCOL, "a stream has one Hello");
        }
        if (!mayHello.test(peerKey)) {
          throw new Refusal(Refusal.Kind.LIMIT, InputProblem.TOO_MANY_HELLOS, "more Hellos from " + peerKey
              + " this minute than --max-hellos-per-minute allows");
        }
        validator.check(hello);
        claimed = "node " + hello.identity().node() + ", agent " + hello.identity().agentId().hex();
        Joined joined = merge.hello(this, hello, peer, mayClaim(hello));
        speaker = joined.speaker();
        LOG.log(Level.INFO, "agent joined: node {0}, agent {1}, epoch {2}, from {3} ({4})", speaker.node(),
            speaker.agentId(), Long.toString(speaker.epoch()), peer,
            joined.how().name().toLowerCase(java.util.Locale.ROOT));
        return ack(joined.appliedThrough(), joined.sendFullState());
      }
      case FullState state -> {
        Speaker s = speaking();
        validator.check(state);
        if (state.hasGap()) {
          validator.check(state.gap(), s.epoch());
        }
        long applied = merge.fullState(s, state);
        while (!held.isEmpty() && held.firstKey() <= applied) {
          release(held.pollFirstEntry().getValue());
        }
        return ack(drain(s), false);
      }
      case Batch batch -> {
        Speaker s = speaking();
        validator.check(batch);
        if (batch.hasGap()) {
          validator.check(batch.gap(), s.epoch());
        }
        return ack(receive(s, batch), false);
      }
      case Report.TooLarge t -> throw new Refusal(Refusal.Kind.LIMIT, InputProblem.TOO_LARGE,
          "a message of " + t.bytes() + " bytes, more than " + t.limit() + " (--max-message-bytes)");
      case Report.Unreadable u -> throw new Refusal(Refusal.Kind.INVALID,
          u.malformedAddress() ? InputProblem.MALFORMED_ADDRESS : InputProblem.PROTOCOL, u.reason());
    }
  }

  /**
   * Whether the speaker may speak for the Hello's node and announce its addresses: refused with
   * PERMISSION_DENIED if not (an address refused also shows on the node's status).
   *
   * @return who the agent id belongs to: the certificate's node; null without TLS
   */
  private String mayClaim(Hello hello) throws Refusal {
    String node = hello.identity().node();
    String why = claims.nodeRefusal(identity, node);
    if (why != null) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, InputProblem.IDENTITY, why);
    }
    List<IpAddress> disallowed = claims.disallowed(identity, hello.identity().addresses());
    if (!disallowed.isEmpty()) {
      merge.addressesRefused(hello, String.join(", ", disallowed.stream().map(IpAddress::toString).toList()));
      throw new Refusal(Refusal.Kind.FORBIDDEN, InputProblem.ADDRESS_CLAIM,
          claims.addressRefusal(identity, node, disallowed));
    }
    return ClaimCheck.owner(identity, node);
  }

  /** A batch: a duplicate is acknowledged again, the next one applied, one ahead of a gap held. */
  private long receive(Speaker s, Batch batch) throws Refusal {
    long applied = merge.appliedThrough(s);
    long sequence = batch.sequence();
    if (sequence <= applied || held.containsKey(sequence)) {
      metrics.deduplicated();
      return applied;
    }
    // A batch whose Gap begins at the next sequence is the next one, however far ahead its own number
    // (an agent that dropped batches while its broker was away publishes it after the last one sent).
    boolean next = batch.hasGap() && batch.gap().firstSequence() <= applied + 1;
    if (!next && sequence > applied + limits.reorderWindow()) {
      throw new Refusal(Refusal.Kind.OUT_OF_RANGE, InputProblem.BAD_SEQUENCE,
          "sequence " + sequence + " is more than " + limits.reorderWindow() + " ahead of "
              + applied + ", the last applied; send the batches between, or a Gap");
    }
    long traffic = batch.total().bytes();
    if (merge.appliedBytes(s) + heldTraffic + traffic > IngestLimits.MAX_EPOCH_BYTES) {
      throw new Refusal(Refusal.Kind.INVALID, InputProblem.BAD_VOLUME, "the epoch's bytes would pass 2^62: counters overflow");
    }
    if (!held.isEmpty() && heldBytes + batch.heapBytes() > limits.maxHeldBytes()) {
      throw new Refusal(Refusal.Kind.LIMIT, InputProblem.TOO_MUCH_HELD, "the batches held after sequence " + applied
          + " would take more than " + limits.maxHeldBytes() + " bytes (--max-held-bytes); send the missing one");
    }
    held.put(sequence, batch);
    heldBytes += batch.heapBytes();
    heldTraffic += traffic;
    return drain(s);
  }

  /** Applies held batches while the next one in sequence (or one whose Gap covers it) is there. */
  private long drain(Speaker s) throws Refusal {
    long applied = merge.appliedThrough(s);
    while (merge.takesBatches(s)) {
      Batch next = held.get(applied + 1);
      if (next == null) {
        next = firstCoveringGap(applied);
      }
      if (next == null) {
        break;
      }
      held.remove(next.sequence());
      release(next);
      applied = merge.apply(s, next);
    }
    return applied;
  }

  /** A held batch whose Gap begins at or before the next sequence: the batches in between are lost. */
  private Batch firstCoveringGap(long applied) {
    for (Batch b : held.values()) {
      if (b.hasGap() && b.gap().firstSequence() <= applied + 1) {
        return b;
      }
    }
    return null;
  }

  private void release(Batch b) {
    heldBytes -= b.heapBytes();
    heldTraffic -= b.total().bytes();
  }

  private Speaker speaking() throws Refusal {
    if (speaker == null) {
      throw new Refusal(Refusal.Kind.WRONG_STATE, InputProblem.PROTOCOL, "a stream begins with a Hello");
    }
    return speaker;
  }

  @Override
  public void onError(Throwable t) {
    end();
  }

  @Override
  public void onCompleted() {
    if (!ended) {
      end();
      responses.onCompleted();
    }
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    if (!held.isEmpty()) {
      metrics.heldDropped(held.size());
    }
    if (speaker != null) {
      merge.disconnected(speaker);
      LOG.log(Level.INFO, "agent left: node {0}, agent {1}, from {2}{3}", speaker.node(), speaker.agentId(), peer,
          held.isEmpty() ? "" : " (" + held.size() + " held batches dropped)");
    }
    held.clear();
    heldBytes = 0;
    heldTraffic = 0;
  }

  private String who() {
    String who = speaker != null ? "node " + speaker.node() + ", agent " + speaker.agentId()
        : claimed != null ? claimed : "an agent";
    return identity == null ? who : who + " (" + identity.describe() + ")";
  }

  private static Ack ack(long appliedThrough, boolean sendFullState) {
    return Ack.newBuilder().setAppliedThrough(appliedThrough).setSendFullState(sendFullState).build();
  }
}
