package io.clustertop.collector.merge;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clustertop.collector.LocalViews;
import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * {@code --max-new-conversations-per-second} charges each new conversation once: a key that comes
 * twice in one batch is one conversation, and takes one of the budget, not two.
 *
 * <pre>
 *   budget 1 a second, a burst of 10; the collector's clock stands still (nothing refills)
 *   batch 1: a -> 10.9.0.1 twice, a -> 10.9.0.2 ... 10.9.0.9 once each: 9 new conversations
 *   batch 2: a -> 10.9.0.10: the tenth, which the budget still holds
 * </pre>
 */
class NewConversationBudgetTest {
  private static final String A = "10.0.0.1";

  @Test
  void aKeyThatComesTwiceInOneBatchIsChargedOnce() {
    AtomicLong clock = new AtomicLong(T0 + 2 * SECOND);
    IngestLimits limits = IngestLimits.defaults().withFlood(IngestLimits.DEFAULT_MAX_LINK_BYTES_PER_SECOND, 1, 30);
    CollectorMetrics metrics = new CollectorMetrics();
    MergeStore cluster = new MergeStore(clock::get, limits, metrics, CostConfig.defaults().classifier());
    LocalAgents agents = new LocalAgents(cluster, limits, metrics, clock::get);
    Object a = new Object();
    agents.hello(a, hello("a", 1, 1, A));
    List<FlowDelta> first = new ArrayList<>();
    first.add(flow(A, "10.9.0.1", 100, 1, 0, 0));
    first.add(flow(A, "10.9.0.1", 50, 1, 0, 0));
    for (int i = 2; i <= 9; i++) {
      first.add(flow(A, "10.9.0." + i, 100, 1, 0, 0));
    }
    agents.batch(a, batch(1, T0 + SECOND, first.toArray(FlowDelta[]::new)));
    agents.batch(a, batch(2, T0 + 2 * SECOND, flow(A, "10.9.0.10", 100, 1, 0, 0)));
    clock.set(T0 + 4 * SECOND + SlotClock.GRACE_NANOS);

    ViewSnapshot s = LocalViews.view(cluster, WatchRequest.newBuilder().setNode("a").setLimit(50).build(),
        SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices());
    assertEquals(10, s.getRowsCount(), s.toString());
    assertEquals(150, s.getRows(0).getSent().getBytes()); // 10.9.0.1's two flows, one conversation
    assertFalse(s.hasOther(), "nothing held off into other: " + s.getOther());
    assertEquals(1050, s.getTotals().getSent().getBytes());
  }
}
