package io.clustertop.collector;

import io.clustertop.auth.ClaimCheck;
import io.clustertop.collector.history.HistoryMetrics;
import io.clustertop.collector.history.HistoryRecorder;
import io.clustertop.collector.history.HistoryService;
import io.clustertop.collector.history.HistoryStore;
import io.clustertop.collector.ingest.IngestService;
import io.clustertop.collector.ingest.ReportMarshaller;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.placement.Placer;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.metrics.MetricsEndpoint;
import io.clustertop.collector.view.ViewRegistry;
import io.clustertop.collector.watch.WatchService;
import io.clustertop.core.window.SlotClock;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The collector: the ingest and watch services on one gRPC server, a ticker that publishes a
 * snapshot to every watcher once per 2-second slot, and the optional metrics endpoint.
 *
 * <pre>
 * agents --Ingest.Stream--> IngestSession (protobuf -> core, sequences) -> MergeStore (agent epochs'
 *                           conversation stores, each byte once) -> every view registered on the agent
 * ticker (each slot end + 0.5 s) -> MergeStore.expire -> WatchService.publish: a frame per watched
 *                           view (ViewRegistry) -> a cut per subscriber -> latest per subscriber
 * scrape /metrics -> PrometheusText (reads the MergeStore; cost per node and class)
 * history (each minute + 5 s) -> HistoryRecorder -> HistoryStore (SQLite); History.Cost reads it
 * </pre>
 *
 * <p>It takes the {@link ServerBuilder} so that tests choose the transport. {@link #start} and
 * {@link #stop} may be called in any order and more than once.
 *
 * <p>Thread safety: start and stop from one thread (or the shutdown hook); the rest is the
 * services' own.
 */
public final class CollectorServer {
  private static final System.Logger LOG = System.getLogger(CollectorServer.class.getName());
  private static final long STOP_GRACE_SECONDS = 5;

  private final CollectorOptions options;
  private final LongSupplier clock;
  private final CollectorMetrics metrics = new CollectorMetrics();
  private final MergeStore cluster;
  private final IngestService ingest;
  private final WatchService watch;
  private final Server server;
  private final HistoryStore historyStore;
  private final HistoryRecorder history;
  private final HistoryMetrics historyMetrics = new HistoryMetrics();
  private ScheduledExecutorService ticker;
  private final ExecutorService handlers;
  private MetricsEndpoint metricsEndpoint;
  private boolean started;
  private boolean stopped;

  /**
   * @param clock nanoseconds since the Unix epoch: the collector's clock, which the slots follow
   * @throws IOException the history file cannot be opened or holds another currency
   */
  public CollectorServer(ServerBuilder<?> builder, CollectorOptions options, LongSupplier clock) throws IOException {
    this.options = options;
    this.clock = clock;
    this.cluster = new MergeStore(clock, options.limits(), metrics, options.cost().classifier(),
        new Placer(options.kubernetes(), options.maxPlacements()), options.mask());
    this.watch = new WatchService(cluster, new ViewRegistry(cluster, metrics), metrics, options.cost().prices(),
        options.watch());
    String currency = options.cost().prices().currency();
    if (options.history() == null) {
      historyStore = null;
      history = null;
    } else {
      String file = options.history().file().toString();
      HistoryStore store = null;
      try {
        store = HistoryStore.open(options.history().file());
        String stored = store.currency();
        if (stored != null && !stored.equals(currency)) {
          throw new IOException("it holds costs in " + stored + " and the prices are in " + currency
              + ": use another file, or prices in " + stored);
        }
        store.setCurrency(currency);
        history = new HistoryRecorder(cluster, options.cost(), store, options.history(), historyMetrics);
        historyStore = store;
      } catch (SQLException | IOException e) {
        closeQuietly(store);
        throw new IOException("history " + file + ": " + e.getMessage(), e);
      }
    }
    this.ingest = new IngestService(cluster, options.limits(), metrics, clock, new ClaimCheck(options.clusterNetworks()),
        options.maxMessageBytes());
    this.handlers = handlerPool();
    this.server = builder
        .executor(handlers)
        .maxInboundMessageSize(ReportMarshaller.transportLimit(options.maxMessageBytes()))
        .addService(ingest.definition())
        .addService(watch.definition())
        .addService(new HistoryService(historyStore, currency))
        .build();
  }

  /**
   * The threads that run every call's handlers: a few, whatever the number of streams. gRPC's default
   * pool grows a thread per busy stream, and with thousands of agents sending every 2 s that was
   * thousands of threads, each with its stack and its share of the CPU in switching. Handlers never
   * wait on one another (a batch takes its agent's lock and the views' locks briefly; a watch stream
   * only hands its latest snapshot to gRPC), so a fixed pool cannot deadlock.
   */
  private static ExecutorService handlerPool() {
    int threads = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    AtomicInteger next = new AtomicInteger();
    return Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "clustertop-collector-grpc-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  private static void closeQuietly(HistoryStore store) {
    if (store != null) {
      try {
        store.close();
      } catch (SQLException ignored) {
        // already failing for a reason the caller reports
      }
    }
  }

  /** The wall clock in nanoseconds, as the collector runs for real. */
  public static long wallClockNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  public synchronized CollectorServer start() throws IOException {
    if (started || stopped) {
      return this;
    }
    started = true;
    server.start();
    if (options.metricsListen() != null) {
      metricsEndpoint = MetricsEndpoint.start(options.metricsListen(), cluster, metrics, options.cost(),
          history == null ? null : historyMetrics, options.metricsAccess());
    }
    if (options.publishEverySlot()) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clustertop-collector-ticker");
        t.setDaemon(true);
        return t;
      });
      scheduleNextTick();
      if (history != null) {
        scheduleNextFlush();
      }
    }
    return this;
  }

  /** Stops on JVM exit (Ctrl-C, SIGTERM) as {@link #stop} does. */
  public CollectorServer stopOnShutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "clustertop-collector-shutdown"));
    return this;
  }

  /** Ends watch streams, then lets agent streams finish for a few seconds before cutting them. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (ticker != null) {
      ticker.shutdownNow();
    }
    watch.completeAll();
    server.shutdown();
    try {
      if (!server.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow().awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    handlers.shutdown();
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
    if (history != null) {
      // What was counted since the last minute, so a clean restart resumes exactly where this stopped.
      flushHistoryQuietly(clock.getAsLong());
      closeQuietly(historyStore);
    }
  }

  /**
   * Writes the cost counted since the last write as the minute that holds {@code unixNanos}; what
   * the minute ticker does, for tests that drive the clock.
   */
  public void flushHistory(long unixNanos) throws SQLException {
    if (history != null) {
      history.flush(unixNanos);
    }
  }

  private void flushHistoryQuietly(long unixNanos) {
    try {
      history.flush(unixNanos);
    } catch (SQLException | RuntimeException e) {
      // Counted (clustertop_history_write_failures_total); the baselines did not move, so the next
      // write takes these bytes along.
      LOG.log(System.Logger.Level.WARNING, "writing the history failed; the next minute takes its bytes along: {0}",
          e.getMessage());
    }
  }

  /** Five seconds into each minute, the minute before it is written. */
  private synchronized void scheduleNextFlush() {
    if (ticker.isShutdown()) {
      return;
    }
    long now = clock.getAsLong();
    long minute = 60_000_000_000L;
    long next = (Math.floorDiv(now, minute) + 1) * minute + 5_000_000_000L;
    ticker.schedule(() -> {
      try {
        flushHistoryQuietly(next - minute);
      } finally {
        scheduleNextFlush();
      }
    }, Math.max(1, next - now), TimeUnit.NANOSECONDS);
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }

  /** The port it listens on (the real one when 0 was asked for). */
  public int port() {
    return server.getPort();
  }

  /**
   * Drops the agents gone longer than the expiry, then makes and offers every subscriber's snapshot
   * as of the latest completed slot, now.
   */
  public void publishNow() {
    cluster.expire();
    watch.publish(SlotClock.latestCompleted(clock.getAsLong()));
  }

  /** The ingest edge, for agents' messages that come another way than its gRPC service (Kafka). */
  public IngestService ingest() {
    return ingest;
  }

  /** How it runs: its limits, views, mask. */
  public CollectorOptions options() {
    return options;
  }

  public MergeStore cluster() {
    return cluster;
  }

  public CollectorMetrics metrics() {
    return metrics;
  }

  public HistoryMetrics historyMetrics() {
    return historyMetrics;
  }

  /** Null unless {@code metricsListen} was given and the server started. */
  public MetricsEndpoint metricsEndpoint() {
    return metricsEndpoint;
  }

  /** The next tick comes half a second after the slot in progress ends (SlotClock.GRACE_NANOS). */
  private synchronized void scheduleNextTick() {
    if (ticker.isShutdown()) {
      return;
    }
    long now = clock.getAsLong();
    long nextTick = SlotClock.startOf(SlotClock.latestCompleted(now) + 2) + SlotClock.GRACE_NANOS;
    ticker.schedule(() -> {
      try {
        publishNow();
      } finally {
        scheduleNextTick();
      }
    }, Math.max(1, nextTick - now), TimeUnit.NANOSECONDS);
  }
}
