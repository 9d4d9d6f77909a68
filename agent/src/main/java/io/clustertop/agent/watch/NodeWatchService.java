package io.clustertop.agent.watch;

import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.agent.monitor.TickListener;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.proto.watch.WatchSubscribers;
import io.grpc.stub.StreamObserver;

/**
 * The watch service of one node: per-node iftop for consoles attached to an agent. Each subscriber
 * gets its own view of the node's conversation table once per 2-second slot, built on the
 * monitor's aggregation thread (which owns the table) and handed over latest-only.
 */
public final class NodeWatchService extends WatchGrpc.WatchImplBase implements TickListener {
  private final WatchSubscribers subscribers = new WatchSubscribers();

  @Override
  public void subscribe(WatchRequest request, StreamObserver<ViewSnapshot> responseObserver) {
    subscribers.subscribe(request, responseObserver);
  }

  /** Streams open now. */
  public int subscribers() {
    return subscribers.size();
  }

  @Override
  public void tick(MonitorView view) {
    if (view.slotClosed() && subscribers.size() > 0) {
      subscribers.publish(request -> ViewWire.toProto(view.snapshot(ViewWire.fromProto(request))));
    }
    if (view.finished()) {
      subscribers.completeAll();
    }
  }
}
