package io.clustertop.relay.watch;

import io.clustertop.console.remote.WatchClient;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.CaptureFilterReply;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.proto.watch.WatchRequests;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The relay's side of {@code Watch.Subscribe}: the same service as the collector's, for the whole
 * cluster of its shards. Each distinct request opens one stream to every shard ({@link Upstream}),
 * asking for K rows, a multiple of the request's limit; identical requests share it, and it closes
 * with its last subscriber. Shards join and leave ({@link #joined}, {@link #left}): every open
 * stream set follows.
 *
 * <p>Thread safety: safe; subscribers come and go on gRPC's threads.
 */
public final class RelayWatchService extends WatchGrpc.WatchImplBase {
  /** The shards now, in the order they joined. Guarded by {@link #upstreams}. */
  private final List<WatchClient> shards = new ArrayList<>();
  private final int shardLimitFactor;
  private final ScheduledExecutorService timer;
  private final long lateNanos;
  private final int maxViews;
  private final RelayMetrics metrics;
  private final Map<WatchRequest, Upstream> upstreams = new HashMap<>();

  /**
   * @param shardLimitFactor K = this times the request's limit (capped at the watch service's maximum)
   * @param lateNanos how long after a shard's view of a new slot the others' are waited for
   * @param maxViews distinct requests served at once; a new one past it is refused (RESOURCE_EXHAUSTED)
   */
  public RelayWatchService(int shardLimitFactor, ScheduledExecutorService timer, long lateNanos, int maxViews,
      RelayMetrics metrics) {
    this.shardLimitFactor = shardLimitFactor;
    this.timer = timer;
    this.lateNanos = lateNanos;
    this.maxViews = maxViews;
    this.metrics = metrics;
  }

  @Override
  public void subscribe(WatchRequest request, StreamObserver<ViewSnapshot> responses) {
    String refused = WatchRequests.problem(request);
    try {
      ViewWire.filter(request);
    } catch (IllegalArgumentException e) {
      refused = e.getMessage();
    }
    if (request.getGrouping() == Grouping.PROCESSES || request.getGrouping() == Grouping.CONTAINERS) {
      refused = "the relay serves the collectors' groupings; rows by process or container are an agent's own";
    }
    if (refused != null) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(refused).asRuntimeException());
      return;
    }
    Upstream upstream;
    synchronized (upstreams) {
      upstream = upstreams.get(request);
      if (upstream == null && upstreams.size() >= maxViews) {
        metrics.viewRefused();
        responses.onError(Status.RESOURCE_EXHAUSTED.withDescription("the relay serves " + maxViews
            + " distinct views at most (--max-views), each a stream to every shard").asRuntimeException());
        return;
      }
      if (upstream == null) {
        upstream = new Upstream(request, shardLimit(request), timer, lateNanos, metrics);
        upstreams.put(request, upstream);
        upstream.open(shards);
      }
      Upstream joined = upstream;
      joined.join(responses, () -> leave(request, joined));
    }
  }

  /** The collector's answer, in the relay's words: nothing here captures. */
  @Override
  public void setCaptureFilter(CaptureFilterRequest request, StreamObserver<CaptureFilterReply> responses) {
    responses.onError(Status.UNIMPLEMENTED
        .withDescription("the relay does not capture; attach to an agent started with --allow-filter-change")
        .asRuntimeException());
  }

  /** K for a request: a multiple of its limit, at most what a watch service gives. */
  int shardLimit(WatchRequest request) {
    return (int) Math.min(WatchRequests.MAX_LIMIT, (long) ViewWire.fromProto(request).limit() * shardLimitFactor);
  }

  private void leave(WatchRequest request, Upstream upstream) {
    synchronized (upstreams) {
      if (upstream.subscribers.size() == 0 && upstreams.get(request) == upstream) {
        upstreams.remove(request);
        upstream.close();
      }
    }
  }

  /** A shard to merge from now on: every view served subscribes to it. */
  public void joined(WatchClient shard) {
    synchronized (upstreams) {
      shards.add(shard);
      for (Upstream u : upstreams.values()) {
        u.add(shard);
      }
    }
  }

  /** A shard no longer merged: every view served closes its stream to it and leaves it out. */
  public void left(String address) {
    synchronized (upstreams) {
      shards.removeIf(c -> c.target().equals(address));
      for (Upstream u : upstreams.values()) {
        u.remove(address);
      }
    }
  }

  /** Distinct requests being served (one stream to each shard apiece). */
  public int upstreams() {
    synchronized (upstreams) {
      return upstreams.size();
    }
  }

  /** Ends every subscriber's stream and every shard stream (the relay is stopping). */
  public void completeAll() {
    synchronized (upstreams) {
      for (Upstream u : upstreams.values()) {
        u.subscribers.completeAll();
        u.close();
      }
      upstreams.clear();
    }
  }
}
