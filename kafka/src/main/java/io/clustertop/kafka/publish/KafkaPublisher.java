package io.clustertop.kafka.publish;

import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.agent.stream.BatchTransport;
import io.clustertop.core.retry.Backoff;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.LogRecord;
import io.clustertop.proto.v1.NodeRecord;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * An agent's batches to Apache Kafka instead of to a collector: the {@link BatchTransport} of
 * {@code clustertop agent --kafka}.
 *
 * <pre>
 *   aggregation thread --offer(batch)--> BatchBuffer --(one record at a time)--> producer --> topic, key = agent id
 *                      <--fullStateWanted (every period of batch time) / offerFullState
 *   publisher thread: topics (created if missing) -> node record (node topic, key = node) -> batches and full states
 * </pre>
 *
 * <p>Every record is a {@link LogRecord}: the agent's identity and one batch or full state. The key
 * is the agent id, so an agent's records stay in one partition in the order they were made. The
 * node record goes to the compacted node topic first, before any batch.
 *
 * <p>One record is in flight at a time, and a batch leaves the {@link BatchBuffer} only when the
 * broker has acknowledged it ({@code acks=all}). The producer is idempotent and never gives up on
 * a record it holds (no delivery timeout), so a broker that goes away and comes back gets each
 * batch once, in order. Meanwhile new batches wait in the buffer, which is bounded: past it the
 * oldest batches are dropped into a {@code Gap} that rides on the oldest batch still held, as on
 * the gRPC stream. The batch in flight when that happens may still arrive: a Gap may cover batches
 * a consumer did receive, which the protocol allows. Sending one record at a time is what keeps the
 * Gap on a batch that has not left yet; at one batch a second it costs nothing, and after an outage
 * the backlog drains at one broker round trip a batch.
 *
 * <p>A full state is owed every {@code fullStatePeriod} of the batches' time ({@link FullStateClock});
 * the aggregation thread builds it after the batch that made it due, and it goes out right after
 * that batch, before the next, so a consumer can rebuild from it and the batches that follow. One
 * that has not gone out yet is replaced by a newer one. One too large for the topic is skipped,
 * logged and counted: the batches still carry everything.
 *
 * <p>What it says (System.Logger): publishing (first acknowledgement), not acknowledging (a record
 * in flight for 10 s: the broker is unreachable and the producer keeps retrying), acknowledging
 * again (with the batches held and dropped), and send errors with the retry's delay.
 *
 * <p>Thread safety: safe for use from any thread. The state is guarded by this object's lock; the
 * publisher thread sends outside it (a send may wait for the topic's metadata).
 */
public final class KafkaPublisher implements BatchTransport {
  private static final System.Logger LOG = System.getLogger(KafkaPublisher.class.getName());
  /** A record in flight this long means the broker is away: said once per outage. */
  static final Duration STALL_NOTICE = Duration.ofSeconds(10);

  private enum Phase { TOPICS, NODE, BATCHES }

  private enum Kind { TOPICS, NODE, BATCH, FULL_STATE }

  /** What is on its way: its kind, the sequence of a batch or full state, since when, and the record (none for the topics). */
  private record InFlight(Kind kind, long sequence, long sinceNanos, ProducerRecord<byte[], byte[]> record) {}

  private final PublisherSettings settings;
  private final Producer<byte[], byte[]> producer;
  private final TopicSetup.Step topics;
  private final AgentIdentity identity;
  private final byte[] key;
  private final BatchBuffer buffer;
  private final FullStateClock clock;
  private final Backoff backoff;
  private final LongSupplier nanoTime;
  private final Thread thread;

  // Guarded by this.
  private Phase phase = Phase.TOPICS;
  private boolean started;
  private boolean closed;
  private boolean fullStateWanted;
  private FullState pendingFullState;
  private long newestBatchEnd;
  /** The newest batch the broker acknowledged. */
  private long acknowledgedThrough;
  private InFlight inFlight;
  private long retryAtNanos;
  /** Since the last acknowledgement, sends failed or stalled: the next acknowledgement is news. */
  private boolean failing;
  private boolean stallReported;
  private long failingSinceNanos;
  private long droppedAtFailure;
  private long fullStatesPublished;
  private long fullStatesSkipped;
  private int partition = -1;

  /**
   * A publisher to the brokers of {@code settings}, creating the topics if they are missing.
   * Nothing is sent before {@link #start()}.
   */
  public static KafkaPublisher create(PublisherSettings settings, AgentIdentity identity, BatchBuffer buffer) {
    String clientId = "clustertop-agent-" + identity.getNode();
    Producer<byte[], byte[]> producer = new KafkaProducer<>(settings.producerConfig(clientId),
        new ByteArraySerializer(), new ByteArraySerializer());
    TopicSetup.Step topics = TopicSetup.creating(settings.layout().newTopics(settings.topic(), settings.nodeTopic()),
        () -> Admin.create(settings.adminConfig(clientId)));
    return new KafkaPublisher(settings, producer, topics, identity, buffer, Backoff.defaults(), System::nanoTime);
  }

  /** @param producer owned from now on: {@link #close()} closes it */
  KafkaPublisher(PublisherSettings settings, Producer<byte[], byte[]> producer, TopicSetup.Step topics,
      AgentIdentity identity, BatchBuffer buffer, Backoff backoff, LongSupplier nanoTime) {
    this.settings = settings;
    this.producer = producer;
    this.topics = topics;
    this.identity = identity;
    this.key = identity.getAgentId().toByteArray();
    this.buffer = buffer;
    this.clock = new FullStateClock(settings.fullStatePeriod());
    this.backoff = backoff;
    this.nanoTime = nanoTime;
    this.thread = Thread.ofPlatform().name("kafka-publisher").daemon().unstarted(this::run);
  }

  @Override
  public synchronized void start() {
    if (!started && !closed) {
      started = true;
      LOG.log(Level.INFO, "publishing to Kafka at {0}: topic {1}, node record to {2}, a full state every {3} s",
          settings.bootstrap(), settings.topic(), settings.nodeTopic(), settings.fullStatePeriod().toSeconds());
      thread.start();
    }
  }

  @Override
  public void offer(DeltaBatch batch) {
    buffer.add(batch);
    synchronized (this) {
      newestBatchEnd = batch.getEndUnixNanos();
      if (clock.dueAfter(batch)) {
        fullStateWanted = true;
      }
      notifyAll();
    }
  }

  @Override
  public synchronized boolean fullStateWanted() {
    return fullStateWanted;
  }

  @Override
  public synchronized void offerFullState(FullState state) {
    if (fullStateWanted) {
      fullStateWanted = false;
      clock.made(newestBatchEnd);
      pendingFullState = state; // an older one not yet sent is superseded: this one holds it all
      notifyAll();
    }
  }

  /** Every batch and full state made so far is acknowledged by the broker. */
  @Override
  public synchronized boolean allAcknowledged() {
    return buffer.isEmpty() && pendingFullState == null && inFlight == null;
  }

  /** Full states the broker acknowledged. */
  public synchronized long fullStatesPublished() {
    return fullStatesPublished;
  }

  /** Full states not published because the topic refused them as too large. */
  public synchronized long fullStatesSkipped() {
    return fullStatesSkipped;
  }

  /** Stops the publisher thread and closes the producer: what the broker has not acknowledged is not sent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      notifyAll();
    }
    thread.interrupt();
    try {
      if (thread.isAlive()) {
        thread.join(TimeUnit.SECONDS.toMillis(5));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(2));
  }

  private void run() {
    try {
      while (true) {
        InFlight next = null;
        synchronized (this) {
          while (!closed && (next = next()) == null) {
            wait(TimeUnit.NANOSECONDS.toMillis(waitNanos()) + 1);
          }
          if (closed) {
            return;
          }
          inFlight = next;
        }
        send(next);
      }
    } catch (InterruptedException e) {
      // closing
    }
  }

  /** What to send now, or null to wait. Called under the lock. */
  private InFlight next() {
    long now = nanoTime.getAsLong();
    if (inFlight != null) {
      if (!stallReported && now - inFlight.sinceNanos() >= STALL_NOTICE.toNanos()) {
        stallReported = true;
        beginFailing(inFlight.sinceNanos());
        LOG.log(Level.WARNING, "Kafka at {0} is not acknowledging: {1} in flight for {2} s, {3} batches held; the producer keeps retrying",
            settings.bootstrap(), describe(inFlight), STALL_NOTICE.toSeconds(), buffer.size());
      }
      return null;
    }
    if (now - retryAtNanos < 0) {
      return null;
    }
    return switch (phase) {
      case TOPICS -> new InFlight(Kind.TOPICS, 0, now, null);
      case NODE -> new InFlight(Kind.NODE, 0, now, new ProducerRecord<>(settings.nodeTopic(),
          identity.getNode().getBytes(StandardCharsets.UTF_8),
          NodeRecord.newBuilder().setIdentity(identity).setTopic(settings.topic())
              .setFullStatePeriodSeconds((int) settings.fullStatePeriod().toSeconds()).build().toByteArray()));
      case BATCHES -> {
        DeltaBatch batch = buffer.after(acknowledgedThrough);
        if (pendingFullState != null && (batch == null || batch.getSequence() > pendingFullState.getSequence())) {
          yield new InFlight(Kind.FULL_STATE, pendingFullState.getSequence(), now, new ProducerRecord<>(settings.topic(),
              key, LogRecord.newBuilder().setIdentity(identity).setFullState(pendingFullState).build().toByteArray()));
        }
        yield batch == null ? null : new InFlight(Kind.BATCH, batch.getSequence(), now, new ProducerRecord<>(
            settings.topic(), key, LogRecord.newBuilder().setIdentity(identity).setBatch(batch).build().toByteArray()));
      }
    };
  }

  /** How long to wait before looking again, at most: until a stall is due to be said, or a retry. */
  private long waitNanos() {
    long now = nanoTime.getAsLong();
    if (inFlight != null) {
      return stallReported ? TimeUnit.SECONDS.toNanos(1) : Math.max(0, inFlight.sinceNanos() + STALL_NOTICE.toNanos() - now);
    }
    return Math.max(0, Math.min(retryAtNanos - now, TimeUnit.SECONDS.toNanos(1)));
  }

  /** Sends {@code what}, outside the lock; its outcome comes back through {@link #acknowledged} or {@link #failed}. */
  private void send(InFlight what) throws InterruptedException {
    try {
      if (what.kind() == Kind.TOPICS) {
        topics.settle();
        acknowledged(what, null);
        return;
      }
      producer.send(what.record(), (metadata, error) -> {
        if (error == null) {
          acknowledged(what, metadata);
        } else {
          failed(what, error);
        }
      });
    } catch (RuntimeException e) { // no answer from the cluster, a closed producer, a configuration Kafka refused
      failed(what, e);
    }
  }

  private synchronized void acknowledged(InFlight what, RecordMetadata metadata) {
    if (inFlight != what) {
      return;
    }
    inFlight = null;
    switch (what.kind()) {
      case TOPICS -> phase = Phase.NODE;
      case NODE -> phase = Phase.BATCHES;
      case BATCH -> {
        acknowledgedThrough = what.sequence();
        buffer.release(what.sequence());
        if (partition != metadata.partition()) {
          partition = metadata.partition();
          LOG.log(Level.INFO, "Kafka at {0} acknowledges: batches to {1}, partition {2}", settings.bootstrap(),
              settings.topic(), partition);
        }
      }
      case FULL_STATE -> {
        fullStatesPublished++;
        if (pendingFullState != null && pendingFullState.getSequence() == what.sequence()) {
          pendingFullState = null;
        }
      }
    }
    backoff.reset();
    if (failing && what.kind() != Kind.TOPICS) {
      failing = false;
      stallReported = false;
      long dropped = buffer.droppedBatches() - droppedAtFailure;
      LOG.log(Level.INFO, "Kafka at {0} acknowledges again after {1} s: {2} batches held, {3} dropped into a gap",
          settings.bootstrap(), TimeUnit.NANOSECONDS.toSeconds(nanoTime.getAsLong() - failingSinceNanos),
          buffer.size(), dropped);
    }
    notifyAll();
  }

  private synchronized void failed(InFlight what, Throwable error) {
    if (inFlight != what) {
      return;
    }
    inFlight = null;
    if (what.kind() == Kind.FULL_STATE && error instanceof RecordTooLargeException) {
      fullStatesSkipped++;
      if (pendingFullState != null && pendingFullState.getSequence() == what.sequence()) {
        pendingFullState = null; // (a newer one that replaced it meanwhile is tried in its turn)
      }
      LOG.log(Level.WARNING, "full state after batch {0} not published: {1}; the batches carry everything",
          what.sequence(), error.getMessage());
      notifyAll();
      return;
    }
    long now = nanoTime.getAsLong();
    long delay = backoff.nextDelayNanos();
    retryAtNanos = now + delay;
    // The first failure of a series is news; the retries that follow are not, until one gets through.
    LOG.log(failing ? Level.DEBUG : Level.WARNING, "Kafka at {0}: could not {1} ({2}); retrying in {3} ms",
        settings.bootstrap(), what.kind() == Kind.TOPICS ? "set up the topics" : "publish " + describe(what),
        reason(error), TimeUnit.NANOSECONDS.toMillis(delay));
    beginFailing(what.sinceNanos());
    notifyAll();
  }

  /** @param since when the send that failed or stalled began: the outage is timed from there */
  private void beginFailing(long since) {
    if (!failing) {
      failing = true;
      failingSinceNanos = since;
      droppedAtFailure = buffer.droppedBatches();
    }
  }

  /** The error's message and, when another, its root cause's: one line, no stack trace. */
  private static String reason(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root == error || root.getMessage() == null ? error.getMessage() : error.getMessage() + ": " + root.getMessage();
  }

  private static String describe(InFlight what) {
    return switch (what.kind()) {
      case TOPICS -> "the topics' setup";
      case NODE -> "the node record";
      case BATCH -> "batch " + what.sequence();
      case FULL_STATE -> "the full state after batch " + what.sequence();
    };
  }
}
