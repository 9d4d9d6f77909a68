package io.clustertop.relay.watch;

import io.clustertop.console.remote.StatusText;
import io.clustertop.console.remote.WatchClient;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.proto.watch.WatchSubscribers;
import io.clustertop.relay.merge.ShardView;
import io.clustertop.relay.merge.ViewMerge;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One distinct request's streams from every shard, shared by its subscribers: each shard's latest
 * view kept, and once every answering shard has sent its view of a new slot (or, for those that have
 * not, {@code lateNanos} after the first did) the views merged and offered to the subscribers. A
 * shard that breaks is said in every merged view until it answers again (its nodes' traffic is
 * missing meanwhile); when none answers, a view with no figures says so at once. Shards join and
 * leave while it runs (the relay discovering them from the consumer group): a shard that joins is
 * subscribed to, one that leaves is closed and out of the next merged view.
 *
 * <p>Thread safety: shard news comes on gRPC's threads and the late timer's, joins and leaves on the
 * relay's; all under this object's monitor, which sending never takes (subscribers keep their latest
 * snapshot).
 */
final class Upstream {
  private static final System.Logger LOG = System.getLogger(Upstream.class.getName());
  private static final String CONNECTING = "connecting";

  /** One shard's part: its stream, its latest view of the request, what is wrong with it. */
  private static final class Part {
    final WatchClient client;
    WatchClient.Subscription stream;
    ViewSnapshot latest;
    String problem = CONNECTING;

    Part(WatchClient client) {
      this.client = client;
    }
  }

  private final WatchRequest request;
  private final WatchRequest shardRequest;
  private final ScheduledExecutorService timer;
  private final long lateNanos;
  private final RelayMetrics metrics;
  final WatchSubscribers subscribers;
  /** By address, in the order the shards joined (the order views name them in). */
  private final Map<String, Part> parts = new LinkedHashMap<>();
  private long publishedTime = Long.MIN_VALUE;
  private ViewSnapshot published;
  private ScheduledFuture<?> lateCheck;
  private boolean opened;
  private boolean closed;

  Upstream(WatchRequest request, int shardLimit, ScheduledExecutorService timer, long lateNanos, RelayMetrics metrics) {
    this.request = request;
    this.shardRequest = request.toBuilder().setLimit(shardLimit).build();
    this.timer = timer;
    this.lateNanos = lateNanos;
    this.metrics = metrics;
    this.subscribers = new WatchSubscribers(metrics::snapshotDropped);
  }

  /** Subscribes to every shard known now; with none, a view that says so goes out at once. */
  synchronized void open(List<WatchClient> shards) {
    opened = true;
    for (WatchClient c : shards) {
      subscribe(c);
    }
    if (parts.isEmpty()) {
      publish(latestSlotEnd());
    }
  }

  /** A shard that joined the relay: subscribed to; until its first view comes it is said to be connecting. */
  synchronized void add(WatchClient shard) {
    if (!closed && opened && !parts.containsKey(shard.target())) {
      subscribe(shard);
    }
  }

  /** A shard that left the relay: its stream closed, its part out of the views from the next slot merged. */
  synchronized void remove(String address) {
    Part part = parts.remove(address);
    if (part == null || closed) {
      return;
    }
    part.stream.close();
    if (!anyAnswering()) {
      publish(publishedTime == Long.MIN_VALUE ? latestSlotEnd() : publishedTime);
    } else {
      consider(); // it may have been the one waited for
    }
  }

  private void subscribe(WatchClient shard) {
    Part part = new Part(shard);
    parts.put(shard.target(), part);
    part.stream = shard.subscribe(shardRequest, new WatchClient.Listener() {
      @Override
      public void snapshot(ViewSnapshot snapshot) {
        arrived(part, snapshot);
      }

      @Override
      public void disconnected(Status status, long retryMillis) {
        down(part, StatusText.describe(status));
      }

      @Override
      public void refused(Status status) {
        down(part, "refused: " + status.getDescription());
      }
    });
  }

  /**
   * Adds a subscriber; one that joins an upstream already running gets its latest merged view at
   * once, as a collector's subscriber gets a snapshot at once.
   */
  synchronized void join(StreamObserver<ViewSnapshot> responses, Runnable onCancel) {
    WatchSubscribers.Subscription s = subscribers.subscribe(request, responses, onCancel);
    if (published != null) {
      s.offer(published);
    }
  }

  private synchronized void arrived(Part part, ViewSnapshot view) {
    if (closed || parts.get(part.client.target()) != part) {
      return;
    }
    if (!part.problem.isEmpty() && !part.problem.equals(CONNECTING)) {
      LOG.log(System.Logger.Level.INFO, "shard " + part.client.target() + " answers again");
    }
    part.latest = view;
    part.problem = "";
    consider();
  }

  private synchronized void down(Part part, String why) {
    if (closed || parts.get(part.client.target()) != part) {
      return;
    }
    if (part.latest != null || part.problem.equals(CONNECTING)) {
      LOG.log(System.Logger.Level.WARNING, "shard " + part.client.target() + " does not answer: " + why
          + "; its nodes are missing from the views until it does");
      metrics.shardDown();
    }
    part.latest = null;
    part.problem = why;
    if (!anyAnswering()) {
      // nothing will come: say so now, as of the slot last merged (or the latest slot of the clock)
      publish(publishedTime == Long.MIN_VALUE ? latestSlotEnd() : publishedTime);
    } else {
      consider();
    }
  }

  private boolean anyAnswering() {
    for (Part p : parts.values()) {
      if (p.latest != null) {
        return true;
      }
    }
    return false;
  }

  /** The newest slot any answering shard has sent; {@code Long.MIN_VALUE} with none. */
  private long newest() {
    long newest = Long.MIN_VALUE;
    for (Part p : parts.values()) {
      if (p.latest != null) {
        newest = Math.max(newest, p.latest.getTimeUnixNanos());
      }
    }
    return newest;
  }

  /** Publishes the newest slot when every answering shard has it; else waits for the late ones a while. */
  private void consider() {
    long newest = newest();
    if (newest == Long.MIN_VALUE || newest <= publishedTime) {
      return;
    }
    boolean waiting = false;
    for (Part p : parts.values()) {
      // a connecting shard's first view is on its way; an answering one may be a slot behind
      waiting |= p.latest == null ? p.problem.equals(CONNECTING) : p.latest.getTimeUnixNanos() < newest;
    }
    if (!waiting || published == null && !connecting()) {
      // the first view goes out as soon as every shard has said something, as a collector's first
      // snapshot goes at once; a shard a slot behind is said late in it
      publish(newest);
    } else if (lateCheck == null) {
      long slot = newest;
      lateCheck = timer.schedule(() -> late(slot), lateNanos, TimeUnit.NANOSECONDS);
    }
  }

  /** The end of the latest 2-second slot of the wall clock (the collectors' slots), where a view of no shard stands. */
  private static long latestSlotEnd() {
    java.time.Instant now = java.time.Instant.now();
    return SlotClock.startOf(SlotClock.slotOf(now.getEpochSecond() * 1_000_000_000L + now.getNano()));
  }

  private boolean connecting() {
    for (Part p : parts.values()) {
      if (p.problem.equals(CONNECTING)) {
        return true;
      }
    }
    return false;
  }

  private synchronized void late(long slot) {
    lateCheck = null;
    if (!closed && slot > publishedTime) {
      publish(slot);
    }
  }

  private void publish(long slot) {
    if (lateCheck != null) {
      lateCheck.cancel(false);
      lateCheck = null;
    }
    List<ShardView> views = new ArrayList<>(parts.size());
    for (Part p : parts.values()) {
      String address = p.client.target();
      if (p.latest == null) {
        views.add(ShardView.down(address, p.problem));
      } else if (p.latest.getTimeUnixNanos() < slot) {
        metrics.shardLate();
        views.add(new ShardView(address, p.latest, "late: its view is of an earlier slot"));
      } else {
        views.add(ShardView.answering(address, p.latest));
      }
    }
    long start = System.nanoTime();
    ViewSnapshot merged = ViewMerge.merge(request, shardRequest.getLimit(), views, slot);
    metrics.merged(System.nanoTime() - start);
    publishedTime = slot;
    published = merged;
    subscribers.publish(r -> merged);
  }

  synchronized void close() {
    closed = true;
    if (lateCheck != null) {
      lateCheck.cancel(false);
    }
    for (Part p : parts.values()) {
      p.stream.close();
    }
  }
}
