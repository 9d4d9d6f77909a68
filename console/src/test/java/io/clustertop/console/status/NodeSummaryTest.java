package io.clustertop.console.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.NodeState;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeSummaryTest {
  private static final CaptureCounters CLEAN = new CaptureCounters(10, 0, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final CaptureCounters DROPS = new CaptureCounters(10, 4, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0);

  @Test
  void aClusterWithoutNodesSaysSo() {
    assertEquals("none reporting yet", NodeSummary.of(List.of()));
    assertEquals("no nodes reporting yet", NodeSummary.status(List.of()));
    assertEquals("1 node: 1 reporting", NodeSummary.status(List.of(node("a", false, false, 0, CLEAN))));
  }

  @Test
  void allWell() {
    assertEquals("2 nodes: 2 reporting", NodeSummary.of(List.of(node("a", false, false, 0, CLEAN), node("b", false, false, 0, CLEAN))));
  }

  @Test
  void everyTroubleNamesItsNodes() {
    assertEquals("3 nodes: 2 reporting, 1 stale (b), 1 restarted (c), 1 dropping packets (incomplete) (a),"
            + " 1 with gaps (c 12s)",
        NodeSummary.of(List.of(node("a", false, false, 0, DROPS), node("b", true, false, 0, CLEAN),
            node("c", false, true, 11.6, CLEAN))));
  }

  @Test
  void nodesTheCollectorTurnsAwaySayWhyAndAreNotReporting() {
    NodeState clock = new NodeState("c", "", "03", 1, 0, true, false, 0, CLEAN, "clock off by -1200 s");
    NodeState address = new NodeState("d", "", "04", 1, 0, true, false, 0, CLEAN, "address refused: 203.0.113.1");
    assertEquals("3 nodes: 1 reporting, 2 refused (c clock off by -1200 s, d address refused: 203.0.113.1)",
        NodeSummary.status(List.of(node("a", false, false, 0, CLEAN), clock, address)));
    assertEquals("2 nodes: 0 reporting, 1 refused (c clock off by -1200 s), 1 stale (b)",
        NodeSummary.of(List.of(node("b", true, false, 0, CLEAN), clock)));
  }

  private static NodeState node(String name, boolean stale, boolean restarted, double gap, CaptureCounters counters) {
    return new NodeState(name, "", "01", 1, 0, stale, restarted, gap, counters);
  }
}
