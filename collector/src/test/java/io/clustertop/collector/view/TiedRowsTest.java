package io.clustertop.collector.view;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.collector.LocalViews;
import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.SortOrder;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Rows that tie in every figure go by their names in the collector's cut, as in the relay's merge
 * (core's NameOrder, one comparator for both): not by the ids this collector happened to give the
 * names. Node c says Hello first, then b, then a (ids in that order); each sends the same bytes.
 */
class TiedRowsTest {
  @Test
  void tiedNodesGoByNameNotByTheOrderTheyCameIn() {
    AtomicLong clock = new AtomicLong(T0 + SECOND);
    MergeStore cluster = new MergeStore(clock::get, IngestLimits.defaults(), new CollectorMetrics(),
        CostConfig.defaults().classifier());
    LocalAgents agents = new LocalAgents(cluster, IngestLimits.defaults(), new CollectorMetrics(), clock::get);
    List<String> nodes = List.of("c", "b", "a");
    for (int n = 0; n < nodes.size(); n++) {
      String address = "10.0.0." + (n + 1);
      agents.hello(nodes.get(n), hello(nodes.get(n), n + 1, 1, address));
      agents.batch(nodes.get(n), batch(1, T0 + SECOND, flow(address, "192.0.2.9", 500, 5, 100, 1)));
    }
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);

    for (SortOrder sort : List.of(SortOrder.LAST_2S, SortOrder.LAST_40S,
        SortOrder.SOURCE, SortOrder.DESTINATION)) {
      ViewSnapshot s = LocalViews.view(cluster, WatchRequest.newBuilder().setGrouping(Grouping.NODES).setSort(sort)
          .build(), SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices());
      assertEquals(List.of("a", "b", "c"), s.getRowsList().stream().map(r -> r.getLeft().getNode()).toList(),
          sort.name());
      // a limit of two cuts the last by name: "other" holds c
      ViewSnapshot two = LocalViews.view(cluster, WatchRequest.newBuilder().setGrouping(Grouping.NODES).setSort(sort)
          .setLimit(2).build(), SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices());
      assertEquals(List.of("a", "b"), two.getRowsList().stream().map(Row::getLeft).map(e -> e.getNode()).toList());
      assertEquals(500, two.getOther().getSent().getBytes());
    }
  }
}
