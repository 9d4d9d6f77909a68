package io.clustertop.collector.watch;

import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.view.RowFilter;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One watch stream: what it asked for, and the latest snapshot not yet sent. A new snapshot replaces
 * an unsent one, so a slow or stuck consumer holds one snapshot, never a queue, and whoever makes
 * snapshots never waits for it.
 *
 * <p>Thread safety: safe. {@link #offer} from the publishing thread and the stream's on-ready
 * handler both call {@link #drain}, which sends under the subscriber's lock (a stream observer takes
 * one caller at a time).
 */
final class Subscriber {
  final WatchRequest request;
  final RowFilter filter;
  private final ServerCallStreamObserver<ViewSnapshot> stream;
  private final CollectorMetrics metrics;
  private final AtomicReference<ViewSnapshot> latest = new AtomicReference<>();
  private volatile boolean cancelled;

  Subscriber(WatchRequest request, RowFilter filter, ServerCallStreamObserver<ViewSnapshot> stream,
      CollectorMetrics metrics) {
    this.request = request;
    this.filter = filter;
    this.stream = stream;
    this.metrics = metrics;
  }

  void offer(ViewSnapshot snapshot) {
    if (latest.getAndSet(snapshot) != null) {
      metrics.snapshotDropped();
    }
    drain();
  }

  /** Sends the pending snapshot if the stream can take it now; else the on-ready handler will. */
  synchronized void drain() {
    if (cancelled) {
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

  void cancel() {
    cancelled = true;
  }

  synchronized void complete() {
    if (!cancelled) {
      cancelled = true;
      stream.onCompleted();
    }
  }
}
