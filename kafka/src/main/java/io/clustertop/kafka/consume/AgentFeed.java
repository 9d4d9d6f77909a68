package io.clustertop.kafka.consume;

import io.clustertop.collector.ingest.IngestService;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FullState;
import io.clustertop.core.report.Hello;
import io.clustertop.core.report.Report;
import io.clustertop.proto.FlowWire.Published;
import io.clustertop.proto.v1.Ack;
import io.grpc.stub.StreamObserver;

/**
 * One agent's records as a consumer reads them from its partition, turned into what the collector's
 * ingest edge takes from a gRPC stream: a session of the same {@link IngestService}, opened with a
 * Hello made of the record's identity, then the records' batches and full states in their order. So
 * the stream's rules hold as they are: each batch once by (agent, epoch, sequence), a duplicate
 * acknowledged and not counted, held batches, gaps, a full state replacing what was known.
 *
 * <p>Where it starts: a consumer that takes over a partition reads from some time back, anywhere in
 * an agent's epoch. Its records count from its first full state there (everything before is in it) or
 * from the first batch of an epoch; those before either are skipped ({@link Outcome#WAITING}). A
 * newer epoch (the agent restarted) opens a new session, as a restarted agent's new stream does;
 * records of an older epoch than the session's are skipped.
 *
 * <p>Thread safety: none; the consumer's thread drives it.
 */
final class AgentFeed implements StreamObserver<Ack> {
  /** What became of one record. */
  enum Outcome {
    /** Given to the agent's session (applied, or acknowledged as a duplicate). */
    TAKEN,
    /** The agent's first record here, a full state: its session opened with it. */
    STARTED_FROM_FULL_STATE,
    /** The agent's first record here, its epoch's first batch: its session opened with it. */
    STARTED_FROM_FIRST_BATCH,
    /** Before the agent's first full state (or first batch) here: everything in it is in the full state to come. */
    WAITING,
    /** Of an epoch older than the one being applied. */
    OLD_EPOCH,
    /** The ingest edge refused it (and said why); the agent starts again at its next full state. */
    REFUSED
  }

  final AgentId id;
  /** Kafka's timestamp of its latest record applied (milliseconds): when it was last heard, on the record clock. */
  private long lastAppliedMillis;
  private final IngestService ingest;
  private final String peer;
  private StreamObserver<Report> session;
  private long epoch = Long.MIN_VALUE;
  private boolean refused;
  private boolean waitingSaid;

  AgentFeed(AgentId id, IngestService ingest, String peer) {
    this.id = id;
    this.ingest = ingest;
    this.peer = peer;
  }

  /** Takes a record whose Kafka timestamp is {@code recordMillis}; when applied, the agent was heard then. */
  Outcome take(Published record, long recordMillis) {
    Outcome outcome = take(record);
    if (outcome == Outcome.TAKEN || outcome == Outcome.STARTED_FROM_FULL_STATE
        || outcome == Outcome.STARTED_FROM_FIRST_BATCH) {
      lastAppliedMillis = recordMillis;
    }
    return outcome;
  }

  /** Kafka's timestamp of its latest record applied (milliseconds). */
  long lastAppliedMillis() {
    return lastAppliedMillis;
  }

  private Outcome take(Published record) {
    AgentIdentity who = record.identity();
    if (who.epoch() < epoch) {
      return Outcome.OLD_EPOCH;
    }
    if (session != null && who.epoch() > epoch) {
      end(); // the agent restarted: its new epoch comes on a new session, as on a new stream
    }
    if (session == null) {
      return start(who, record.report());
    }
    session.onNext(record.report());
    return refused ? ended() : Outcome.TAKEN;
  }

  private Outcome start(AgentIdentity who, Report first) {
    long sequence;
    Outcome how;
    switch (first) {
      case FullState s -> {
        sequence = s.sequence();
        how = Outcome.STARTED_FROM_FULL_STATE;
      }
      case Batch b when b.sequence() == 1 || b.hasGap() && b.gap().firstSequence() <= 1 -> {
        sequence = b.sequence();
        how = Outcome.STARTED_FROM_FIRST_BATCH;
      }
      default -> {
        return Outcome.WAITING;
      }
    }
    epoch = who.epoch();
    refused = false;
    waitingSaid = false;
    session = ingest.session(this, peer);
    session.onNext(new Hello(who, sequence, sequence));
    if (!refused) {
      session.onNext(first);
    }
    return refused ? ended() : how;
  }

  private Outcome ended() {
    session = null;
    return Outcome.REFUSED;
  }

  /** Whether this agent's wait for a full state was said already (said once per wait). */
  boolean sayWaiting() {
    boolean first = !waitingSaid;
    waitingSaid = true;
    return first;
  }

  boolean started() {
    return session != null;
  }

  /** Ends its session (the partition goes elsewhere, or the consumer stops). */
  void end() {
    if (session != null) {
      session.onCompleted();
      session = null;
    }
  }

  // The session's answers: acknowledgements mean nothing to a log; a refusal ends the session.

  @Override
  public void onNext(Ack ack) {}

  @Override
  public void onError(Throwable t) {
    refused = true;
  }

  @Override
  public void onCompleted() {}
}
