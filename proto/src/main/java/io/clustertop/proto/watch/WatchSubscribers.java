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
 * The subscribers of a watch service, each with the latest snapshot it has not taken yet.
 *
 * <p>The owner of the figures (an agent's aggregation thread, the collector's) calls
 * {@link #publish} once per slot; each subscriber keeps only the newest snapshot and gets it when
 * its stream is ready. A slow or stuck console therefore costs one message of memory and never
 * holds up the publisher: older snapshots are dropped for it, never queued.
 *
 * <p>Thread safety: {@link #subscribe} and {@link #publish} from any thread; sends to one stream
 * are serialised by that subscriber alone, so no lock is shared with the publisher's work.
 */
public final class WatchSubscribers {
  private final Set<Subscriber> subscribers = ConcurrentHashMap.newKeySet();

  /** Adds a stream; it is dropped again when the client cancels it. */
  public void subscribe(WatchRequest request, StreamObserver<ViewSnapshot> observer) {
    ServerCallStreamObserver<ViewSnapshot> stream = (ServerCallStreamObserver<ViewSnapshot>) observer;
    Subscriber s = new Subscriber(request, stream);
    stream.setOnCancelHandler(() -> subscribers.remove(s));
    stream.setOnReadyHandler(s::drain);
    subscribers.add(s);
  }

  /** Builds each subscriber's snapshot with {@code view} and offers it. */
  public void publish(Function<WatchRequest, ViewSnapshot> view) {
    for (Subscriber s : subscribers) {
      s.offer(view.apply(s.request));
    }
  }

  /** Ends every stream (the server is stopping). */
  public void completeAll() {
    for (Subscriber s : subscribers) {
      s.complete();
    }
    subscribers.clear();
  }

  public int size() {
    return subscribers.size();
  }

  private static final class Subscriber {
    final WatchRequest request;
    private final ServerCallStreamObserver<ViewSnapshot> stream;
    private final AtomicReference<ViewSnapshot> latest = new AtomicReference<>();

    Subscriber(WatchRequest request, ServerCallStreamObserver<ViewSnapshot> stream) {
      this.request = request;
      this.stream = stream;
    }

    void offer(ViewSnapshot snapshot) {
      latest.set(snapshot); // replaces one the client has not taken: only the newest matters
      drain();
    }

    synchronized void drain() {
      if (stream.isCancelled()) {
        return;
      }
      while (stream.isReady()) {
        ViewSnapshot next = latest.getAndSet(null);
        if (next == null) {
          return;
        }
        stream.onNext(next);
      }
    }

    synchronized void complete() {
      if (!stream.isCancelled()) {
        stream.onCompleted();
      }
    }
  }
}
