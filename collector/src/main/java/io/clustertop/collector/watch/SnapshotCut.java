package io.clustertop.collector.watch;

import io.clustertop.core.cost.PriceList;
import io.clustertop.core.rows.Cut;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Grouping;
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
    return of(request, frame, prices, nodes, List.of(), "");
  }

  /**
   * @param offered the groupings the collector offers (a console's {@code g} cycles these)
   * @param kubernetes the line about the Kubernetes API, or ""
   */
  public static ViewSnapshot of(WatchRequest request, Frame frame, PriceList prices, List<NodeStatus> nodes,
      List<Grouping> offered, String kubernetes) {
    ViewOptions options = ViewWire.fromProto(request);
    return ViewWire.toProto(Cut.of(frame, options.sort(), options.limit(), ViewWire.filter(request), prices), nodes)
        .toBuilder().setTimeUnixNanos(frame.context().timeNanos())
        // a relay sums shards' rates exactly with it (docs/RATIONALE.md, "The relay")
        .setCompletedSlots(frame.completedSlots())
        // said on every snapshot: a console offers only the keys and groupings that apply to this collector
        .setServer(ViewServer.VIEW_SERVER_COLLECTOR).addAllGroupings(offered).setKubernetes(kubernetes).build();
  }

  /**
   * What a collector offers: every grouping, those by namespace, workload, pod and Service only where
   * it reads Kubernetes (without it they hold "(host)" and "(no pod)" only).
   */
  public static List<Grouping> offered(boolean kubernetes) {
    return java.util.Arrays.stream(io.clustertop.core.rows.Grouping.values())
        .filter(g -> kubernetes || !g.byPlacement() || g.perNode())
        .map(ViewWire::toProto).toList();
  }

  /** The frame's node statuses as messages. */
  public static List<NodeStatus> nodes(Frame frame) {
    return frame.context().nodes().stream().map(ViewWire::toProto).toList();
  }
}
