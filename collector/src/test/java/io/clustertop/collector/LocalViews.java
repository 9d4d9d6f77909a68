package io.clustertop.collector;

import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.view.ViewRegistry;
import io.clustertop.collector.watch.SnapshotCut;
import io.clustertop.core.cost.PriceList;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;

/** A watch request's snapshot without gRPC: its view built from the merge, one frame, one cut, as a subscriber's first. */
public final class LocalViews {
  private LocalViews() {}

  public static ViewSnapshot view(MergeStore merge, WatchRequest request, long latestCompleted, PriceList prices) {
    ViewRegistry views = new ViewRegistry(merge, new CollectorMetrics());
    ViewSpec spec = ViewWire.spec(request);
    views.acquire(spec);
    try {
      Frame frame = views.frame(spec, latestCompleted);
      return SnapshotCut.of(request, frame, prices, SnapshotCut.nodes(frame));
    } finally {
      views.release(spec);
    }
  }
}
