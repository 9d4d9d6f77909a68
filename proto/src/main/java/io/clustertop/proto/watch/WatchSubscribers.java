package io.clustertop.proto.watch;

import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The subscribers of a watch service (the agent's and the collector's), each with the latest
 * snapshot it has not taken yet.
 *
 * <p>The owner of the figures calls {@link #publish} once per slot; each subscriber keeps only the
 * newest snapshot and gets it when its stream is ready. A slow or stuck console therefore costs one
 * message of memory and never holds up the publisher: older snapshots are dropped for it (and
 * counted), never queued.
 *
 * <p>Thread safety: {@link #subscribe} and {@link #publish} from any thread; sends to one stream
 * are serialised by that subscriber alone, so no lock is shared with the publisher's work.
 */
public final class WatchSubscribers {
  private final Set<Subscription> subscriptions = ConcurrentHashMap.newKeySet();
  private final Runnable onDropped;
  private final int maxUnread;
  private final Runnable onClosedUnread;

  public WatchSubscribers() {
    this(() -> {});
  }

  /** @param onDropped told each time a snapshot is replaced before its subscriber took it */
  public WatchSubscribers(Runnable onDropped) {
    this(onDropped, Integer.MAX_VALUE, () -> {});
  }

  /**
   * @param onDropped told each time a snapshot is replaced before its subscriber took it
   * @param maxUnread snapshots replaced in a row before the subscriber took one, after which its
   *     stream is ended with RESOURCE_EXHAUSTED: a console that never reads holds a call, a snapshot
   *     and the transport's window for nothing
   * @param onClosedUnread told each time a stream is ended so
   */
  public WatchSubscribers(Runnable onDropped, int maxUnread, Runnable onClosedUnread) {
    if (maxUnread < 1) {
      throw new IllegalArgumentException("maxUnread must be at least 1: " + maxUnread);
    }
    this.onDropped = onDropped;
    this.maxUnread = maxUnread;
    this.onClosedUnread = onClosedUnread;
  }

  /** Adds a stream; it is dropped again when the client cancels it. */
  public Subscription subscribe(WatchRequest request, StreamObserver<ViewSnapshot> observer) {
    return subscribe(request, observer, () -> {});
  }

  /** Adds a stream; it is dropped again when the client cancels it, and {@code onCancel} told. */
  public Subscription subscribe(WatchRequest request, StreamObserver<ViewSnapshot> observer, Runnable onCancel) {
    ServerCallStreamObserver<ViewSnapshot> stream = (ServerCallStreamObserver<ViewSnapshot>) observer;
    Subscription s = new Subscription(request, stream, onDropped);
    s.onUnread = () -> {
      if (subscriptions.remove(s)) {
        onClosedUnread.run();
        onCancel.run();
      }
    };
    s.maxUnread = maxUnread;
    stream.setOnCancelHandler(() -> {
      if (subscriptions.remove(s)) {
        onCancel.run();
      }
    });
    stream.setOnReadyHandler(s::drain);
    subscriptions.add(s);
    return s;
  }

  /** Builds each subscriber's snapshot with {@code view} and offers it (none where it gives null). */
  public void publish(Function<WatchRequest, ViewSnapshot> view) {
    for (Subscription s : subscriptions) {
      ViewSnapshot snapshot = view.apply(s.request);
      if (snapshot != null) {
        s.offer(snapshot);
      }
    }
  }

  /**
   * Offers a snapshot to the subscribers that have had none yet, so that a new console draws at
   * once rather than at the next slot, up to 2 seconds later.
   */
  public void welcome(Function<WatchRequest, ViewSnapshot> view) {
    for (Subscription s : subscriptions) {
      if (!s.offered) {
        s.offer(view.apply(s.request));
      }
    }
  }

  /** Some subscriber has had no snapshot yet. */
  public boolean anyNew() {
    return subscriptions.stream().anyMatch(s -> !s.offered);
  }

  /** Ends every stream (the server is stopping). */
  public void completeAll() {
    for (Subscription s : subscriptions) {
      s.complete();
    }
    subscriptions.clear();
  }

  public int size() {
    return subscriptions.size();
  }

  /** One stream: what it asked for, and the latest snapshot not yet sent. */
  public static final class Subscription {
    private final WatchRequest request;
    private final ServerCallStreamObserver<ViewSnapshot> stream;
    private final Runnable onDropped;
    private final AtomicReference<ViewSnapshot> latest = new AtomicReference<>();
    private volatile boolean offered;
    private boolean completed;
    /** Snapshots replaced in a row before the subscriber took one; its owner's bound, and what it does past it. */
    private int unread;
    private int maxUnread = Integer.MAX_VALUE;
    private Runnable onUnread = () -> {};

    private Subscription(WatchRequest request, ServerCallStreamObserver<ViewSnapshot> stream, Runnable onDropped) {
      this.request = request;
      this.stream = stream;
      this.onDropped = onDropped;
    }

    /** Replaces the unsent snapshot, if any, and sends when the stream can take it. */
    public void offer(ViewSnapshot snapshot) {
      offered = true;
      if (latest.getAndSet(snapshot) != null) {
        onDropped.run();
        if (unreadOnce()) {
          return;
        }
      }
      drain();
    }

    /** One more snapshot replaced unsent; past the bound the stream ends. Whether it ended. */
    private synchronized boolean unreadOnce() {
      if (completed || ++unread < maxUnread) {
        return false;
      }
      completed = true;
      latest.set(null);
      if (!stream.isCancelled()) {
        stream.onError(io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("this watch took no snapshot for " + unread
            + " publications in a row: closed; watch again to resume").asRuntimeException());
      }
      onUnread.run();
      return true;
    }

    private synchronized void drain() {
      if (completed || stream.isCancelled()) {
        return;
      }
      while (stream.isReady()) {
        ViewSnapshot next = latest.getAndSet(null);
        if (next == null) {
          return;
        }
        unread = 0;
        stream.onNext(next);
      }
    }

    private synchronized void complete() {
      if (!completed && !stream.isCancelled()) {
        completed = true;
        stream.onCompleted();
      }
    }
  }
}
