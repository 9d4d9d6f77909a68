package io.clustertop.collector.watch;

import io.clustertop.core.cost.PriceList;
import io.clustertop.core.rows.Cut;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.NodeStatus;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.List;

/** One subscriber's snapshot of a shared frame, as the message it is sent: its filter, order, rows and "other". */
public final class SnapshotCut {
  private SnapshotCut() {}

  /** @param nodes the frame's node statuses as messages (made once per frame, shared) */
  public static ViewSnapshot of(WatchRequest request, Frame frame, PriceList prices, List<NodeStatus> nodes) {
    ViewOptions options = ViewWire.fromProto(request);
    return ViewWire.toProto(Cut.of(frame, options.sort(), options.limit(), ViewWire.filter(request), prices), nodes)
        .toBuilder().setTimeUnixNanos(frame.context().timeNanos())
        // a relay sums shards' rates exactly with it (docs/RATIONALE.md, "The relay")
        .setCompletedSlots(frame.completedSlots())
        // said on every snapshot: a console offers only the keys that apply to a collector
        .setServer(ViewServer.VIEW_SERVER_COLLECTOR).build();
  }

  /** The frame's node statuses as messages. */
  public static List<NodeStatus> nodes(Frame frame) {
    return frame.context().nodes().stream().map(ViewWire::toProto).toList();
  }
}
