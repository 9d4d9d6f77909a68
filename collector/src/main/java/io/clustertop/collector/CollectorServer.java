package io.clustertop.collector;

import io.clustertop.collector.ingest.IngestService;
import io.clustertop.collector.merge.Cluster;
import io.clustertop.collector.merge.SlotClock;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.metrics.MetricsEndpoint;
import io.clustertop.collector.watch.WatchService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The collector: the ingest and watch services on one gRPC server, a ticker that publishes a
 * snapshot to every watcher once per 2-second slot, and the optional metrics endpoint.
 *
 * <pre>
 * agents --Ingest.Stream--> IngestService -> Cluster (dedup, each byte once, 2 s slots)
 *                                               |
 * ticker (each slot end + 0.5 s) -> WatchService.publish -> ViewBuilder -> latest per subscriber
 * scrape /metrics -> PrometheusText (reads the Cluster)
 * </pre>
 *
 * <p>It takes the {@link ServerBuilder} so that tests choose the transport. {@link #start} and
 * {@link #stop} may be called in any order and more than once.
 *
 * <p>Thread safety: start and stop from one thread (or the shutdown hook); the rest is the
 * services' own.
 */
public final class CollectorServer {
  private static final long STOP_GRACE_SECONDS = 5;

  private final CollectorOptions options;
  private final LongSupplier clock;
  private final CollectorMetrics metrics = new CollectorMetrics();
  private final Cluster cluster;
  private final WatchService watch;
  private final Server server;
  private ScheduledExecutorService ticker;
  private MetricsEndpoint metricsEndpoint;
  private boolean started;
  private boolean stopped;

  /** @param clock nanoseconds since the Unix epoch: the collector's clock, which the slots follow */
  public CollectorServer(ServerBuilder<?> builder, CollectorOptions options, LongSupplier clock) {
    this.options = options;
    this.clock = clock;
    this.cluster = new Cluster(clock, options.limits(), metrics);
    this.watch = new WatchService(cluster, metrics);
    this.server = builder
        .maxInboundMessageSize(options.maxMessageBytes())
        .addService(new IngestService(cluster, options.limits(), metrics, clock))
        .addService(watch)
        .build();
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
      metricsEndpoint = MetricsEndpoint.start(options.metricsListen(), cluster, metrics);
    }
    if (options.publishEverySlot()) {
      ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clustertop-collector-ticker");
        t.setDaemon(true);
        return t;
      });
      scheduleNextTick();
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
    if (metricsEndpoint != null) {
      metricsEndpoint.close();
    }
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }

  /** The port it listens on (the real one when 0 was asked for). */
  public int port() {
    return server.getPort();
  }

  /** Makes and offers every subscriber's snapshot as of the latest completed slot, now. */
  public void publishNow() {
    watch.publish(SlotClock.latestCompleted(clock.getAsLong()));
  }

  public Cluster cluster() {
    return cluster;
  }

  public CollectorMetrics metrics() {
    return metrics;
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
