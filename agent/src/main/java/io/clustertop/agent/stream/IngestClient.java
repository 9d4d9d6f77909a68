package io.clustertop.agent.stream;

import io.clustertop.core.retry.Backoff;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The agent's end of the ingest stream: one long-lived bidirectional stream to the collector,
 * reopened on its own whenever it fails.
 *
 * <pre>
 *   aggregation thread --offer(batch)--> BatchBuffer --(isReady)--> Stream: Hello, [FullState], batches...
 *                      <--fullStateWanted / offerFullState--          <-- Ack(applied_through, send_full_state)
 * </pre>
 *
 * <p>Each stream starts with a Hello. The collector's first Ack says what it has applied of this
 * epoch; the client sends the held batches after that, oldest first, then each new one as it comes.
 * An Ack with {@code send_full_state} holds the batches back until the aggregation thread, which
 * owns the conversation table, has built a {@link FullState} ({@link #fullStateWanted()},
 * {@link #offerFullState}); it goes first, then the batches after its sequence. Every Ack's
 * {@code applied_through} releases batches from the buffer; whatever is not released is replayed on
 * the next stream, so the collector sees every sequence at least once (its dedup makes that once).
 *
 * <p>Sending is gated on the call's {@code isReady()} and resumed by its on-ready handler, so a slow
 * collector makes batches wait in the bounded buffer rather than in gRPC's unbounded queue.
 * A failed stream is reopened after an exponential backoff with full jitter, capped at 30 s; the
 * backoff starts again only once the collector has applied something the stream carried, so a
 * collector that answers the Hello and then refuses every batch (a clock it finds too far from its
 * own, say) is retried less and less often, not four times a second.
 *
 * <p>What happens is logged, one line each, with the collector's address and the reason: connected,
 * disconnected, each retry (INFO); a refusal by the collector (its status and its words, and for
 * timestamps a word on this host's clock) at WARNING, at most once a minute with the number of
 * refusals since the last line.
 *
 * <p>Thread safety: safe for use from any thread. The state of the stream is guarded by this
 * object's lock, which gRPC's callbacks and the aggregation thread's calls take briefly (sending a
 * message only queues it).
 */
public final class IngestClient implements BatchTransport {
  private static final System.Logger LOG = System.getLogger(IngestClient.class.getName());
  /** Refusals are said at most this often. */
  static final long REFUSAL_REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);

  /** Runs a task after a delay: the reconnection timer, injected so tests need not sleep. */
  @FunctionalInterface
  interface Scheduler {
    void schedule(Runnable task, long delayNanos);
  }

  private final ManagedChannel channel;
  private final IngestGrpc.IngestStub stub;
  private final AgentIdentity identity;
  private final BatchBuffer buffer;
  private final Backoff backoff;
  private final Scheduler scheduler;
  private final Runnable closeScheduler;
  private final LongSupplier monotonicNanos;
  /** The collector's address, for the log. */
  private final String target;

  // Guarded by this.
  private Stream stream;
  private boolean started;
  private boolean closed;
  private long streamsOpened;
  /** The buffer's dropping was said; the drops counted when the collector was last reached. */
  private boolean droppingSaid;
  private long droppedWhenConnected;
  /** Refusals since the last one said, and when that was. */
  private long refusalsUnsaid;
  private long lastRefusalSaidNanos;
  private boolean refusalSaid;

  /**
   * A client for the collector at {@code hostPort}, with or without TLS as {@code credentials} say,
   * with the default backoff, its socket, callbacks and reconnection timer on {@code threads}.
   * Nothing is sent before {@link #start()}.
   */
  public static IngestClient forTarget(String hostPort, ChannelCredentials credentials, AgentIdentity identity,
      BatchBuffer buffer, GrpcThreads threads) {
    // Pings (the collector permits one every 10 s) find a collector that vanished without a word,
    // so the stream fails and the agent reconnects instead of sending into the void.
    ManagedChannel channel = threads.onThese(NettyChannelBuilder.forTarget(hostPort, credentials))
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .build();
    return new IngestClient(channel, identity, buffer, Backoff.defaults(), threads::schedule, () -> {});
  }

  /**
   * @param channel owned by the client from now on: {@link #close()} shuts it down
   * @param closeScheduler called on close, to stop the scheduler's threads
   */
  IngestClient(ManagedChannel channel, AgentIdentity identity, BatchBuffer buffer, Backoff backoff,
      Scheduler scheduler, Runnable closeScheduler) {
    this(channel, identity, buffer, backoff, scheduler, closeScheduler, System::nanoTime);
  }

  /** @param monotonicNanos the clock that spaces the refusal warnings */
  IngestClient(ManagedChannel channel, AgentIdentity identity, BatchBuffer buffer, Backoff backoff,
      Scheduler scheduler, Runnable closeScheduler, LongSupplier monotonicNanos) {
    this.monotonicNanos = monotonicNanos;
    this.target = channel.authority();
    this.channel = channel;
    this.stub = IngestGrpc.newStub(channel);
    this.identity = identity;
    this.buffer = buffer;
    this.backoff = backoff;
    this.scheduler = scheduler;
    this.closeScheduler = closeScheduler;
  }

  /** Opens the first stream. */
  @Override
  public synchronized void start() {
    if (!started && !closed) {
      started = true;
      open();
    }
  }

  /**
   * Holds {@code batch} until the collector acknowledges it, and sends it when it can. When the
   * buffer is full its oldest batch is dropped: said once at WARNING when the dropping starts, and
   * added up when the collector is reached again.
   */
  @Override
  public void offer(DeltaBatch batch) {
    long dropped = buffer.droppedBatches();
    buffer.add(batch);
    synchronized (this) {
      if (buffer.droppedBatches() > dropped && !droppingSaid) {
        droppingSaid = true;
        LOG.log(Level.WARNING, "the collector at {0} has been away longer than the buffer holds ({1} batches,"
            + " --buffer-seconds): dropping the oldest; their traffic reaches it in the totals, their seconds"
            + " as a gap", target, buffer.capacity());
      }
      if (stream != null) {
        stream.drain();
      }
    }
  }

  /**
   * True while the collector waits for a full state: the owner of the conversation table should
   * build one and {@link #offerFullState offer} it.
   */
  @Override
  public synchronized boolean fullStateWanted() {
    return stream != null && stream.fullStateWanted;
  }

  /**
   * The full state the collector asked for, built by the table's owner after its latest batch. It
   * replaces the batches held, so it carries their gap, if batches before them were dropped.
   */
  @Override
  public synchronized void offerFullState(FullState state) {
    if (stream != null && stream.fullStateWanted) {
      stream.fullStateWanted = false;
      Gap gap = buffer.pendingGap();
      stream.fullState = gap == null ? state : state.toBuilder().setGap(gap).build();
      stream.drain();
    }
  }

  /** The collector has acknowledged every batch made so far. */
  @Override
  public boolean allAcknowledged() {
    return buffer.isEmpty();
  }

  /** Streams opened since the start: 1 plus the reconnections. */
  public synchronized long streamsOpened() {
    return streamsOpened;
  }

  /** Ends the stream (a half-close: the collector keeps what it applied) and the channel. Idempotent. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      if (stream != null) {
        stream.requests.onCompleted();
        stream = null;
      }
    }
    closeScheduler.run();
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) { // the collector ends its side at our half-close
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private synchronized void open() {
    if (closed) {
      return;
    }
    streamsOpened++;
    Stream s = new Stream();
    stream = s;
    channel.resetConnectBackoff(); // our backoff decides when to try; the channel's would add its own
    stub.stream(s);
    s.requests.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder()
        .setIdentity(identity)
        .setOldestHeldSequence(buffer.oldestHeldSequence())
        .setNewestSequence(buffer.newestSequence())).build());
  }

  private synchronized void lost(Stream s, Status status) {
    if (s != stream) {
      return; // an older stream's late news
    }
    stream = null;
    if (closed) {
      return;
    }
    long delay = backoff.nextDelayNanos();
    String retry = String.format(Locale.ROOT, "retrying in %.1f s", delay / 1e9);
    if (refusal(status.getCode())) {
      refused(status, retry);
    } else if (s.acknowledged) {
      LOG.log(Level.INFO, "disconnected from the collector at {0}: {1}; {2}", target, describe(status), retry);
    } else {
      LOG.log(Level.INFO, "cannot reach the collector at {0}: {1}; {2}", target, describe(status), retry);
    }
    scheduler.schedule(this::open, delay);
  }

  /** The collector answered and turned the stream down: a fault of ours or of our clock, not of the network. */
  private static boolean refusal(Status.Code code) {
    return switch (code) {
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, RESOURCE_EXHAUSTED, ABORTED, PERMISSION_DENIED,
          UNAUTHENTICATED -> true;
      default -> false;
    };
  }

  /** A refusal, said at WARNING at most once a minute; the retries in between at DEBUG. */
  private void refused(Status status, String retry) {
    refusalsUnsaid++;
    long now = monotonicNanos.getAsLong();
    if (refusalSaid && now - lastRefusalSaidNanos < REFUSAL_REPORT_NANOS) {
      LOG.log(Level.DEBUG, "the collector at {0} refused the stream: {1}; {2}", target, describe(status), retry);
      return;
    }
    String clock = status.getDescription() != null && status.getDescription().contains("collector's clock")
        ? " (this host's clock is off from the collector's: set both right, with NTP)"
        : "";
    LOG.log(Level.WARNING, "the collector at {0} refuses this agent''s stream{1}: {2}{3}; {4}", target,
        refusalsUnsaid > 1 ? " (" + refusalsUnsaid + " times in the last minute)" : "", describe(status), clock, retry);
    refusalSaid = true;
    lastRefusalSaidNanos = now;
    refusalsUnsaid = 0;
  }

  /** One line: the code, gRPC's description and the root cause's message, without a stack trace. */
  private static String describe(Status status) {
    StringBuilder text = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      text.append(": ").append(status.getDescription());
    }
    Throwable cause = status.getCause();
    while (cause != null && cause.getCause() != null) {
      cause = cause.getCause();
    }
    if (cause != null && cause.getMessage() != null) {
      text.append(" (").append(cause.getMessage()).append(')');
    }
    return text.toString();
  }

  /** One stream's state; its callbacks take the client's lock. */
  private final class Stream implements ClientResponseObserver<AgentMessage, Ack> {
    ClientCallStreamObserver<AgentMessage> requests;
    /** The collector's first Ack came: batches may flow. */
    boolean acknowledged;
    /** What the first Ack said was applied; a later Ack past it means this stream's messages are taken. */
    long firstApplied;
    boolean applying;
    boolean fullStateWanted;
    /** Built and waiting to go out first. */
    FullState fullState;
    /** The newest sequence this stream has sent (or that the collector said it has). */
    long sentThrough;

    @Override
    public void beforeStart(ClientCallStreamObserver<AgentMessage> requests) {
      this.requests = requests;
      requests.setOnReadyHandler(() -> {
        synchronized (IngestClient.this) {
          drain();
        }
      });
    }

    @Override
    public void onNext(Ack ack) {
      buffer.release(ack.getAppliedThrough());
      synchronized (IngestClient.this) {
        if (!acknowledged) {
          acknowledged = true;
          sentThrough = ack.getAppliedThrough();
          firstApplied = ack.getAppliedThrough();
          // While the collector refuses each stream, its answers to the Hello are no news.
          LOG.log(refusalSaid ? Level.DEBUG : Level.INFO,
              "connected to the collector at {0}: it has applied batches through {1}{2}", target,
              ack.getAppliedThrough(), ack.getSendFullState() ? " and asks for the full state" : "");
          long dropped = buffer.droppedBatches() - droppedWhenConnected;
          if (dropped > 0) {
            Gap gap = buffer.pendingGap();
            LOG.log(Level.WARNING, "dropped {0} batches{1} while the collector at {2} was away: sent as a gap",
                dropped, gap == null ? "" : String.format(Locale.ROOT, " (%.0f s, sequences %d to %d)",
                    (gap.getEndUnixNanos() - gap.getStartUnixNanos()) / 1e9, gap.getFirstSequence(),
                    gap.getLastSequence()), target);
            droppedWhenConnected = buffer.droppedBatches();
            droppingSaid = false;
          }
        } else if (ack.getAppliedThrough() > firstApplied && !applying) {
          applying = true;
          backoff.reset(); // the collector takes what this stream carries: the next failure starts afresh
          refusalSaid = false;
          refusalsUnsaid = 0;
        }
        if (ack.getSendFullState() && fullState == null) {
          fullStateWanted = true;
        }
        drain();
      }
    }

    @Override
    public void onError(Throwable t) {
      lost(this, Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      lost(this, Status.UNAVAILABLE.withDescription("the collector closed the stream"));
    }

    /** Sends what is due while the transport takes more. Called under the client's lock. */
    void drain() {
      if (this != stream || !acknowledged) {
        return;
      }
      while (requests.isReady()) {
        if (fullState != null) {
          requests.onNext(AgentMessage.newBuilder().setFullState(fullState).build());
          sentThrough = Math.max(sentThrough, fullState.getSequence()); // the state holds those batches
          fullState = null;
          continue;
        }
        if (fullStateWanted) {
          return; // batches wait for the state they follow
        }
        DeltaBatch next = buffer.after(sentThrough);
        if (next == null) {
          return;
        }
        requests.onNext(AgentMessage.newBuilder().setBatch(next).build());
        sentThrough = next.getSequence();
      }
    }
  }
}
