package io.clustertop.core.rows;

import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.NodeState;
import java.util.List;

/**
 * What the owner of a view adds to a frame when it is made: what the frame stands for, the state of
 * the nodes in it, their capture counters, and the names to show.
 *
 * @param timeNanos the end of the latest completed slot
 * @param source "cluster", or the node's name
 */
public record FrameContext(long timeNanos, String source, List<NodeState> nodes, CaptureCounters counters,
    Labels labels) {
  public FrameContext {
    nodes = List.copyOf(nodes);
  }
}
