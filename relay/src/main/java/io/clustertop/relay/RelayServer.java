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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code clustertop relay}: serves the Watch and History services of the whole cluster from several
 * collectors (shards), each holding some of the nodes. Owns the server's lifecycle and one watch
 * client and one channel per shard. The shards are given at start ({@code --shards}), or join and
 * leave while it runs ({@link #join}, {@link #leave}: discovered from the collectors' consumer group).
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

  /** One shard's clients: its watch streams, its history calls. */
  private record Shard(WatchClient watch, ManagedChannel history) {}

  private final ChannelCredentials credentials;
  /** The shards now, by address, in the order they joined. Guarded by this. */
  private final Map<String, Shard> shards = new LinkedHashMap<>();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
      r -> Thread.ofPlatform().daemon().name("clustertop-relay-timer").unstarted(r));
  private final RelayMetrics metrics = new RelayMetrics();
  private final RelayWatchService watch;
  private final Server server;
  private boolean started;
  private boolean stopped;

  /** @param credentials how to reach the shards (TLS or plaintext) */
  public RelayServer(ServerBuilder<?> builder, RelayOptions options, ChannelCredentials credentials) {
    this.credentials = credentials;
    watch = new RelayWatchService(options.shardLimitFactor(), timer, options.lateNanos(), options.maxViews(), metrics);
    for (String shard : options.shards()) {
      join(shard);
    }
    server = builder.addService(watch).addService(new RelayHistoryService(this::historyChannels)).build();
  }

  /**
   * A shard to merge from now on ({@code HOST:PORT}): every view served subscribes to it, cost reports
   * ask it too. Nothing if it is merged already (its nodes would count twice) or the relay stopped.
   */
  public synchronized void join(String address) {
    if (stopped || shards.containsKey(address)) {
      return;
    }
    Shard shard = new Shard(new WatchClient(address, credentials), NettyChannelBuilder.forTarget(address, credentials).build());
    shards.put(address, shard);
    watch.joined(shard.watch());
  }

  /** A shard no longer merged: its streams close, the views and cost reports leave it out. Nothing if it was not merged. */
  public synchronized void leave(String address) {
    Shard shard = shards.remove(address);
    if (shard == null) {
      return;
    }
    watch.left(address);
    shard.watch().close();
    shard.history().shutdownNow();
  }

  /** The shards merged now, in the order they joined. */
  public synchronized List<String> shards() {
    return List.copyOf(shards.keySet());
  }

  private synchronized Map<String, ManagedChannel> historyChannels() {
    Map<String, ManagedChannel> out = new LinkedHashMap<>();
    shards.forEach((address, shard) -> out.put(address, shard.history()));
    return out;
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
    for (Shard s : shards.values()) {
      s.watch().close();
      s.history().shutdownNow();
    }
    shards.clear();
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
