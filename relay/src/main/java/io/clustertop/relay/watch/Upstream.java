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
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One distinct request's streams from every shard, shared by its subscribers: each shard's latest
 * view kept, and once every answering shard has sent its view of a new slot (or, for those that have
 * not, {@code lateNanos} after the first did) the views merged and offered to the subscribers. A
 * shard that breaks is said in every merged view until it answers again (its nodes' traffic is
 * missing meanwhile); when none answers, a view with no figures says so at once.
 *
 * <p>Thread safety: shard news comes on gRPC's threads and the late timer's; all under this object's
 * monitor, which sending never takes (subscribers keep their latest snapshot).
 */
final class Upstream {
  private static final System.Logger LOG = System.getLogger(Upstream.class.getName());

  private final WatchRequest request;
  private final WatchRequest shardRequest;
  private final List<WatchClient> shards;
  private final ScheduledExecutorService timer;
  private final long lateNanos;
  private final RelayMetrics metrics;
  final WatchSubscribers subscribers;
  private final ViewSnapshot[] latest;
  private final String[] problem;
  private final List<WatchClient.Subscription> streams = new ArrayList<>();
  private long publishedTime = Long.MIN_VALUE;
  private ViewSnapshot published;
  private ScheduledFuture<?> lateCheck;
  private boolean closed;

  Upstream(WatchRequest request, int shardLimit, List<WatchClient> shards, ScheduledExecutorService timer,
      long lateNanos, RelayMetrics metrics) {
    this.request = request;
    this.shardRequest = request.toBuilder().setLimit(shardLimit).build();
    this.shards = shards;
    this.timer = timer;
    this.lateNanos = lateNanos;
    this.metrics = metrics;
    this.subscribers = new WatchSubscribers(metrics::snapshotDropped);
    this.latest = new ViewSnapshot[shards.size()];
    this.problem = new String[shards.size()];
    java.util.Arrays.fill(problem, "connecting");
  }

  synchronized void open() {
    for (int i = 0; i < shards.size(); i++) {
      int shard = i;
      streams.add(shards.get(i).subscribe(shardRequest, new WatchClient.Listener() {
        @Override
        public void snapshot(ViewSnapshot snapshot) {
          arrived(shard, snapshot);
        }

        @Override
        public void disconnected(Status status, long retryMillis) {
          down(shard, StatusText.describe(status));
        }

        @Override
        public void refused(Status status) {
          down(shard, "refused: " + status.getDescription());
        }
      }));
    }
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

  private synchronized void arrived(int shard, ViewSnapshot view) {
    if (closed) {
      return;
    }
    if (!problem[shard].isEmpty() && !problem[shard].equals("connecting")) {
      LOG.log(System.Logger.Level.INFO, "shard " + shards.get(shard).target() + " answers again");
    }
    latest[shard] = view;
    problem[shard] = "";
    consider();
  }

  private synchronized void down(int shard, String why) {
    if (closed) {
      return;
    }
    if (latest[shard] != null || problem[shard].equals("connecting")) {
      LOG.log(System.Logger.Level.WARNING, "shard " + shards.get(shard).target() + " does not answer: " + why
          + "; its nodes are missing from the views until it does");
      metrics.shardDown();
    }
    latest[shard] = null;
    problem[shard] = why;
    boolean anyAnswering = false;
    for (ViewSnapshot v : latest) {
      anyAnswering |= v != null;
    }
    if (!anyAnswering) {
      // nothing will come: say so now, as of the slot last merged (or the latest slot of the clock)
      publish(publishedTime == Long.MIN_VALUE ? latestSlotEnd() : publishedTime);
    } else {
      consider();
    }
  }

  /** Publishes the newest slot when every answering shard has it; else waits for the late ones a while. */
  private void consider() {
    long newest = Long.MIN_VALUE;
    boolean waiting = false;
    for (int i = 0; i < latest.length; i++) {
      if (latest[i] != null) {
        newest = Math.max(newest, latest[i].getTimeUnixNanos());
      } else if (problem[i].equals("connecting")) {
        waiting = true; // its first view is on its way
      }
    }
    if (newest == Long.MIN_VALUE || newest <= publishedTime) {
      return;
    }
    for (ViewSnapshot v : latest) {
      waiting |= v != null && v.getTimeUnixNanos() < newest;
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
    for (String p : problem) {
      if (p.equals("connecting")) {
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
    List<ShardView> views = new ArrayList<>(latest.length);
    for (int i = 0; i < latest.length; i++) {
      String address = shards.get(i).target();
      if (latest[i] == null) {
        views.add(ShardView.down(address, problem[i]));
      } else if (latest[i].getTimeUnixNanos() < slot) {
        metrics.shardLate();
        views.add(new ShardView(address, latest[i], "late: its view is of an earlier slot"));
      } else {
        views.add(ShardView.answering(address, latest[i]));
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
    for (WatchClient.Subscription s : streams) {
      s.close();
    }
  }
}
