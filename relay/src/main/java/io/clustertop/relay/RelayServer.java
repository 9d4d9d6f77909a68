package io.clustertop.relay;

import io.clustertop.console.remote.WatchClient;
import io.clustertop.relay.cost.RelayHistoryService;
import io.clustertop.relay.watch.RelayMetrics;
import io.clustertop.relay.watch.RelayWatchService;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code clustertop relay}: serves the Watch and History services of the whole cluster from several
 * collectors (shards), each holding some of the nodes. Owns the server's lifecycle and one watch
 * client and one channel per shard.
 *
 * <pre>
 * console --Watch.Subscribe(limit N)--> relay: one Upstream per distinct request
 *   --Watch.Subscribe(limit K = factor x N)--> every shard (collectors)
 *   &lt;-- each shard's view of slot T --  ViewMerge: rows by key, top N, exact "other", bound
 *   --> every subscriber of the request: the merged view of slot T
 * cost --History.Cost--> relay --> every shard --> CostMerge
 * </pre>
 */
public final class RelayServer {
  private static final long STOP_GRACE_SECONDS = 5;

  private final List<WatchClient> watchClients = new ArrayList<>();
  private final List<ManagedChannel> historyChannels = new ArrayList<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().daemon().name("clustertop-relay-timer").unstarted(r));
  private final RelayMetrics metrics = new RelayMetrics();
  private final RelayWatchService watch;
  private final Server server;
  private boolean started;
  private boolean stopped;

  /**
   * @param shards {@code HOST:PORT} of each collector
   * @param credentials how to reach them (TLS or plaintext)
   */
  public RelayServer(ServerBuilder<?> builder, RelayOptions options, ChannelCredentials credentials) {
    for (String shard : options.shards()) {
      watchClients.add(new WatchClient(shard, credentials));
      historyChannels.add(NettyChannelBuilder.forTarget(shard, credentials).build());
    }
    watch = new RelayWatchService(List.copyOf(watchClients), options.shardLimitFactor(), timer,
        options.lateNanos(), options.maxViews(), metrics);
    server = builder.addService(watch)
        .addService(new RelayHistoryService(options.shards(), List.copyOf(historyChannels)))
        .build();
  }

  public synchronized RelayServer start() throws IOException {
    if (!started && !stopped) {
      started = true;
      server.start();
    }
    return this;
  }

  /** Stops on JVM exit (Ctrl-C, SIGTERM) as {@link #stop} does. */
  public RelayServer stopOnShutdown() {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stop, "clustertop-relay-shutdown"));
    return this;
  }

  /** Ends the subscribers' streams and the shards', then the server. Safe in any order, more than once. */
  public synchronized void stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    watch.completeAll();
    timer.shutdownNow();
    server.shutdown();
    try {
      if (!server.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
    for (WatchClient c : watchClients) {
      c.close();
    }
    for (ManagedChannel c : historyChannels) {
      c.shutdownNow();
    }
  }

  public void blockUntilShutdown() throws InterruptedException {
    server.awaitTermination();
  }

  /** The port it listens on (the real one when 0 was asked for). */
  public int port() {
    return server.getPort();
  }

  public RelayMetrics metrics() {
    return metrics;
  }

  /** Distinct requests served now, each with one stream to every shard. */
  public int upstreams() {
    return watch.upstreams();
  }
}
