package io.clustertop.collector.watch;

import io.clustertop.collector.merge.Cluster;
import io.clustertop.collector.merge.SlotClock;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.view.RowFilter;
import io.clustertop.collector.view.ViewBuilder;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.proto.v1.CaptureFilterReply;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.Status;
import io.clustertop.proto.watch.WatchRequests;
import io.clustertop.proto.watch.WatchSubscribers;
import io.grpc.stub.StreamObserver;

/**
 * The collector's side of {@code Watch.Subscribe}: a snapshot at once, then one per 2-second slot
 * when {@link #publish} runs (the server calls it once a slot is complete). Each subscriber keeps
 * only its latest unsent snapshot and gets it when its stream is ready (flow control), so a stuck
 * console costs one snapshot of memory and no one's time.
 *
 * <p>Thread safety: safe; subscribers come and go on gRPC's threads while {@link #publish} runs on
 * the server's ticker.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private final Cluster cluster;
  private final CollectorMetrics metrics;
  private final CostConfig cost;
  private final WatchSubscribers subscribers;

  public WatchService(Cluster cluster, CollectorMetrics metrics, CostConfig cost) {
    this.cluster = cluster;
    this.metrics = metrics;
    this.cost = cost;
    this.subscribers = new WatchSubscribers(metrics::snapshotDropped);
  }

  @Override
  public void subscribe(WatchRequest request, StreamObserver<ViewSnapshot> responses) {
    String refused = WatchRequests.problem(request);
    try {
      RowFilter.of(request); // refuse a bad CIDR now, not at the first slot
    } catch (IllegalArgumentException e) {
      refused = e.getMessage();
    }
    if (refused != null) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(refused).asRuntimeException());
      return;
    }
    subscribers.subscribe(request, responses)
        .offer(snapshot(request, SlotClock.latestCompleted(cluster.nowNanos())));
  }

  /** The collector counts what agents send; the filter is an agent's, so say where to go. */
  @Override
  public void setCaptureFilter(CaptureFilterRequest request, StreamObserver<CaptureFilterReply> responses) {
    responses.onError(Status.UNIMPLEMENTED
        .withDescription("the collector does not capture; attach to an agent started with --allow-filter-change")
        .asRuntimeException());
  }

  /** Makes every subscriber's snapshot as of the end of slot {@code latestCompleted} and offers it. */
  public void publish(long latestCompleted) {
    subscribers.publish(request -> snapshot(request, latestCompleted));
  }

  /** Ends every stream (the server is stopping). */
  public void completeAll() {
    subscribers.completeAll();
  }

  public int subscribers() {
    return subscribers.size();
  }

  /** The filter is parsed again for each snapshot: a few CIDRs, once per slot, against a merge. */
  private ViewSnapshot snapshot(WatchRequest request, long latestCompleted) {
    long start = System.nanoTime();
    ViewSnapshot view = cluster.read(c -> ViewBuilder.build(c, request, RowFilter.of(request), latestCompleted, cost));
    metrics.viewBuilt(System.nanoTime() - start);
    // toBuilder shares the built rows: saying who serves the view copies no row
    return view.toBuilder().setServer(ViewServer.VIEW_SERVER_COLLECTOR).build();
  }
}
