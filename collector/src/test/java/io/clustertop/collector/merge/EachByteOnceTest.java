package io.clustertop.collector.merge;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.LocalViews;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.Traffic;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The merge, without gRPC: two nodes that talk to each other and to an outside host.
 *
 * <pre>
 *   a 10.0.0.1 --1000 B / 10 p--> b 10.0.0.2      a --50 B / 1 p--> x 192.0.2.9
 *   a         <--300 B / 3 p---  b                a <--70 B / 1 p-- x
 *                                                 b --20 B / 1 p--> x
 * </pre>
 * Each agent reports its own side: a sees a->b and b->a, and so does b. The cluster counts a->b
 * from a and b->a from b: 1000 + 300 + 50 + 70 + 20 = 1440 bytes, once each.
 */
class EachByteOnceTest {
  private static final String A = "10.0.0.1";
  private static final String B = "10.0.0.2";
  private static final String X = "192.0.2.9";

  private final AtomicLong clock = new AtomicLong(T0 + SECOND);
  private final MergeStore cluster = new MergeStore(clock::get, IngestLimits.defaults(), new CollectorMetrics(),
      CostConfig.defaults().classifier());
  private final LocalAgents agents = new LocalAgents(cluster, IngestLimits.defaults(), new CollectorMetrics(), clock::get);
  private final Object streamA = new Object();
  private final Object streamB = new Object();

  private void bothReportOneSecond() {
    Ack ackA = agents.hello(streamA, hello("a", 1, 1, A));
    agents.hello(streamB, hello("b", 2, 1, B));
    assertFalse(ackA.getSendFullState(), "a new agent that holds its first batch sends its batches, no full state");
    assertEquals(0, ackA.getAppliedThrough());
    agents.batch(streamA, batch(1, T0 + SECOND, flow(A, B, 1000, 10, 300, 3), flow(A, X, 50, 1, 70, 1)));
    agents.batch(streamB, batch(1, T0 + SECOND, flow(B, A, 300, 3, 1000, 10), flow(B, X, 20, 1, 0, 0)));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS); // slot [T0, T0 + 2 s) is complete
  }

  private ViewSnapshot view(WatchRequest request) {
    return LocalViews.view(cluster, request, SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices());
  }

  @Test
  void clusterCountsEachDirectionOnceFromTheSender() {
    bothReportOneSecond();
    ViewSnapshot s = view(WatchRequest.getDefaultInstance());

    assertEquals("cluster", s.getSource());
    assertEquals(T0 + 2 * SECOND, s.getTimeUnixNanos());
    assertEquals(3, s.getRowsCount());
    assertRow(s.getRows(0), A, B, 1000, 10, 300, 3);
    assertRow(s.getRows(1), A, X, 50, 1, 70, 1);
    assertRow(s.getRows(2), B, X, 20, 1, 0, 0);
    assertEquals(List.of("a", "b"), s.getRows(0).getNodesList());
    assertEquals("a", s.getRows(0).getLeft().getNode());
    assertEquals("b", s.getRows(0).getRight().getNode());
    assertEquals("", s.getRows(1).getRight().getNode());
    assertFalse(s.hasOther());

    assertTraffic(s.getTotals().getSent(), 1070, 12);
    assertTraffic(s.getTotals().getReceived(), 370, 4);
    // One completed slot: every average is over its 2 seconds.
    assertEquals(535.0, s.getTotals().getSent().getBytesPerSecond().getLast2S());
    assertEquals(535.0, s.getTotals().getSent().getBytesPerSecond().getLast40S());
    assertEquals(185.0, s.getTotals().getReceived().getBytesPerSecond().getLast10S());
    assertEquals(720.0, s.getTotals().getPeakTotalBytesPerSecond());
    assertEquals(2, s.getNodesCount());
  }

  @Test
  void eachNodesViewHasAllItsTraffic() {
    bothReportOneSecond();
    ViewSnapshot a = view(WatchRequest.newBuilder().setNode("a").build());
    ViewSnapshot b = view(WatchRequest.newBuilder().setNode("b").build());

    assertEquals("a", a.getSource());
    assertRow(a.getRows(0), A, B, 1000, 10, 300, 3);
    assertRow(a.getRows(1), A, X, 50, 1, 70, 1);
    assertTraffic(a.getTotals().getSent(), 1050, 11);
    assertTraffic(a.getTotals().getReceived(), 370, 4);
    assertRow(b.getRows(0), B, A, 300, 3, 1000, 10);
    assertRow(b.getRows(1), B, X, 20, 1, 0, 0);
    assertTraffic(b.getTotals().getSent(), 320, 4);
    assertTraffic(b.getTotals().getReceived(), 1000, 10);
  }

  @Test
  void nodesGroupingShowsEachNodesOwnTotals() {
    bothReportOneSecond();
    ViewSnapshot s = view(WatchRequest.newBuilder().setGrouping(Grouping.NODES).build());

    assertEquals(2, s.getRowsCount());
    assertEquals("a", s.getRows(0).getLeft().getNode());
    assertFalse(s.getRows(0).hasProtocol());
    assertTraffic(s.getRows(0).getSent(), 1050, 11);
    assertTraffic(s.getRows(0).getReceived(), 370, 4);
    assertEquals(2, s.getRows(0).getConversations());
    assertEquals("b", s.getRows(1).getLeft().getNode());
    assertTraffic(s.getRows(1).getSent(), 320, 4);
    assertTraffic(s.getRows(1).getReceived(), 1000, 10);
    assertTraffic(s.getTotals().getSent(), 1370, 15);
    assertTraffic(s.getTotals().getReceived(), 1370, 14);
  }

  @Test
  void receiverCountsWhatASenderWithoutAgentSent() {
    agents.hello(streamA, hello("a", 1, 1, A));
    agents.batch(streamA, batch(1, T0 + SECOND, flow(A, B, 1000, 10, 300, 3)));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);

    ViewSnapshot s = view(WatchRequest.getDefaultInstance());

    assertRow(s.getRows(0), A, B, 1000, 10, 300, 3);
    assertTraffic(s.getTotals().getReceived(), 300, 3);
  }

  @Test
  void theOrderInWhichAgentsArriveChangesNothing() {
    // b's figures arrive before a has said hello (as after a collector restart): b counts a->b as
    // received from outside until a is known, then a's own report takes it over.
    agents.hello(streamB, hello("b", 2, 1, B));
    agents.batch(streamB, batch(1, T0 + SECOND, flow(B, A, 300, 3, 1000, 10), flow(B, X, 20, 1, 0, 0)));
    agents.hello(streamA, hello("a", 1, 1, A));
    agents.batch(streamA, batch(1, T0 + SECOND, flow(A, B, 1000, 10, 300, 3), flow(A, X, 50, 1, 70, 1)));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);

    ViewSnapshot s = view(WatchRequest.getDefaultInstance());

    assertEquals(3, s.getRowsCount());
    assertRow(s.getRows(0), A, B, 1000, 10, 300, 3);
    assertTraffic(s.getTotals().getSent(), 1070, 12);
    assertTraffic(s.getTotals().getReceived(), 370, 4);
  }

  @Test
  void aSenderThatDisconnectsStaysTheOneThatCountsItsTraffic() {
    bothReportOneSecond();
    agents.disconnect(streamA);

    ViewSnapshot s = view(WatchRequest.getDefaultInstance());

    assertRow(s.getRows(0), A, B, 1000, 10, 300, 3);
    assertTraffic(s.getTotals().getSent(), 1070, 12);
    assertTraffic(s.getTotals().getReceived(), 370, 4);
  }

  @Test
  void theCutRowsAndTheOtherRowAddUpToTheTotals() {
    bothReportOneSecond();
    ViewSnapshot s = view(WatchRequest.newBuilder().setLimit(1).build());

    assertEquals(1, s.getRowsCount());
    assertRow(s.getRows(0), A, B, 1000, 10, 300, 3);
    assertTraffic(s.getOther().getSent(), 70, 2);
    assertTraffic(s.getOther().getReceived(), 70, 1);
    assertEquals(2, s.getOther().getConversations());
    assertFalse(s.getOther().getSent().hasPeakBytesPerSecond());
  }

  @Test
  void ratesAverageOverTheSlotsAsIftop() {
    bothReportOneSecond();
    clock.set(T0 + 3 * SECOND);
    agents.batch(streamA, batch(2, T0 + 3 * SECOND, flow(A, X, 400, 4, 0, 0)));
    clock.set(T0 + 4 * SECOND + SlotClock.GRACE_NANOS);

    ViewSnapshot s = view(WatchRequest.newBuilder().setNode("a").build());
    Row ax = s.getRows(1);

    assertRow(ax, A, X, 450, 5, 70, 1);
    assertEquals(200.0, ax.getSent().getBytesPerSecond().getLast2S()); // 400 B in the last slot
    assertEquals(112.5, ax.getSent().getBytesPerSecond().getLast10S()); // 450 B over 2 slots, 4 s
    assertEquals(200.0, ax.getSent().getPeakBytesPerSecond());
    assertEquals(2.0, ax.getSent().getPacketsPerSecond().getLast2S());
    assertEquals(T0 + 4 * SECOND, s.getTimeUnixNanos());
  }

  /**
   * A full state that holds only batches applied already changes nothing: its slots are on the
   * agent's grid (here a second earlier than the collector's), so applying it would move the bytes
   * of the last 40 s and change the rates. One after a gap that lost batches is applied: it brings
   * their bytes back.
   */
  @Test
  void aFullStateIsAppliedOnlyWhenItHoldsBatchesTheCollectorLacks() {
    CollectorMetrics metrics = new CollectorMetrics();
    MergeStore store = new MergeStore(clock::get, IngestLimits.defaults(), metrics, CostConfig.defaults().classifier());
    LocalAgents one = new LocalAgents(store, IngestLimits.defaults(), metrics, clock::get);
    one.hello(streamA, hello("a", 1, 1, A));
    one.batch(streamA, batch(1, T0 + SECOND, flow(A, X, 50, 1, 0, 0)));
    clock.set(T0 + 3 * SECOND);
    one.batch(streamA, batch(2, T0 + 3 * SECOND, flow(A, X, 400, 4, 0, 0)));
    // The agent's grid: a slot from T0 - 1 s holds both batches' bytes.
    Ack ack = one.fullState(streamA, fullState(2, T0 - SECOND, 450, 5));
    clock.set(T0 + 4 * SECOND + SlotClock.GRACE_NANOS);
    WatchRequest nodeA = WatchRequest.newBuilder().setNode("a").build();

    Row ax = LocalViews.view(store, nodeA, SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices()).getRows(0);
    assertEquals(2, ack.getAppliedThrough());
    assertEquals(List.of(1L, 0L), List.of(metrics.fullStatesNotNeeded(), metrics.fullStatesApplied()));
    assertRow(ax, A, X, 450, 5, 0, 0);
    assertEquals(200.0, ax.getSent().getBytesPerSecond().getLast2S(), "400 B in the last slot, as the batches filed them");

    // Batch 3 lost (its agent's buffer overflowed): batch 4 says so with a gap, and the full state after it
    // holds batch 3's 1,000 bytes.
    one.batch(streamA, batch(4, T0 + 5 * SECOND, flow(A, X, 10, 1, 0, 0)).toBuilder()
        .setGap(io.clustertop.proto.v1.Gap.newBuilder().setFirstSequence(3).setLastSequence(3)
            .setStartUnixNanos(T0 + 3 * SECOND).setEndUnixNanos(T0 + 4 * SECOND)).build());
    one.fullState(streamA, fullState(4, T0 + 3 * SECOND, 1460, 7));
    clock.set(T0 + 6 * SECOND + SlotClock.GRACE_NANOS);

    ax = LocalViews.view(store, nodeA, SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices()).getRows(0);
    assertEquals(List.of(1L, 1L), List.of(metrics.fullStatesNotNeeded(), metrics.fullStatesApplied()));
    assertRow(ax, A, X, 1460, 7, 0, 0);
  }

  /** Agent a's full state after batch {@code sequence}: its one conversation with x, all of it in the one slot from {@code slotStart}. */
  private static io.clustertop.proto.v1.FullState fullState(long sequence, long slotStart, long bytes, long packets) {
    io.clustertop.proto.v1.VolumePair v = io.clustertop.collector.AgentMessages.volume(bytes, packets, 0, 0);
    return io.clustertop.proto.v1.FullState.newBuilder().setSequence(sequence).setFirstSlotStartUnixNanos(slotStart)
        .addFlows(io.clustertop.proto.v1.FlowState.newBuilder().setKey(flow(A, X, 0, 0, 0, 0).getKey()).setCumulative(v)
            .addSlots(v))
        .setTotal(v).addTotalSlots(v).build();
  }

  @Test
  void filtersNarrowTheRowsNotTheTotals() {
    bothReportOneSecond();
    ViewSnapshot s = view(WatchRequest.newBuilder().addCidrs("192.0.2.0/24").addNodesFilter("b").build());

    assertEquals(1, s.getRowsCount());
    assertRow(s.getRows(0), B, X, 20, 1, 0, 0);
    assertTraffic(s.getTotals().getSent(), 1070, 12);
  }

  @Test
  void pastTheConversationLimitTheIdlestFoldIntoOtherAndTotalsStayExact() {
    IngestLimits limits = IngestLimits.defaults().withConversations(10, 1_000_000);
    MergeStore small = new MergeStore(clock::get, limits, new CollectorMetrics(), CostConfig.defaults().classifier());
    LocalAgents smallAgents = new LocalAgents(small, limits, new CollectorMetrics(), clock::get);
    smallAgents.hello(streamA, hello("a", 1, 1, A));
    io.clustertop.proto.v1.FlowDelta[] flows = new io.clustertop.proto.v1.FlowDelta[12];
    for (int i = 0; i < flows.length; i++) {
      flows[i] = flow(A, "198.18.0." + (i + 1), 10L * (i + 1), 1, 0, 0);
    }
    smallAgents.batch(streamA, batch(1, T0 + SECOND, flows));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);
    WatchRequest all = WatchRequest.newBuilder().setLimit(100).build();

    ViewSnapshot s = LocalViews.view(small, all, SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices());

    // Down to 90 % of 10: the three smallest (10 + 20 + 30 bytes) are folded, in each view.
    assertEquals(9, s.getRowsCount());
    assertEquals(9, s.getConversations());
    assertTraffic(s.getOther().getSent(), 60, 3);
    assertTraffic(s.getTotals().getSent(), 780, 12);
  }

  @Test
  void aNodeGoneLongerThanTheExpiryIsDroppedAndItsBytesStayCountedOnce() {
    bothReportOneSecond();
    agents.disconnect(streamA);
    clock.addAndGet(11 * 60 * SECOND); // past the default expiry, 10 minutes
    cluster.expire();

    assertEquals(1, cluster.agentCount());
    ViewSnapshot s = view(WatchRequest.getDefaultInstance());
    // a's share (1000 to b, 50 and 70 with x) and b's share of its conversation with a (300 it sent,
    // turned: received on the a-b row) are in "other" now; only b's conversation with x keeps a row.
    assertEquals(1, s.getRowsCount());
    assertRow(s.getRows(0), B, X, 20, 1, 0, 0);
    assertTraffic(s.getOther().getSent(), 1050, 11);
    assertTraffic(s.getOther().getReceived(), 370, 4);
    assertTraffic(s.getTotals().getSent(), 1070, 12);
    assertTraffic(s.getTotals().getReceived(), 370, 4);
    ViewSnapshot nodes = view(WatchRequest.newBuilder().setGrouping(Grouping.NODES).build());
    assertTraffic(nodes.getTotals().getSent(), 1370, 15);
    assertTraffic(nodes.getOther().getSent(), 1050, 11);

    // Nobody counts a's traffic any more: what b receives from a's address now counts, once.
    agents.batch(streamB, batch(2, clock.get(), flow(B, A, 0, 0, 500, 5)));
    clock.addAndGet(2 * SECOND);
    s = view(WatchRequest.getDefaultInstance());
    assertTraffic(s.getTotals().getReceived(), 870, 9);
    assertRow(s.getRows(0), B, A, 0, 0, 500, 5);
  }

  @Test
  void aNewAgentOfANodeRetiresTheDisconnectedOneAtOnce() {
    agents.hello(streamA, hello("a", 1, 1, A));
    agents.batch(streamA, batch(1, T0 + SECOND, flow(A, X, 50, 1, 70, 1)));
    agents.disconnect(streamA);
    Object restarted = new Object();
    agents.hello(restarted, hello("a", 9, 1, A)); // a restart without its state directory: a new id
    agents.batch(restarted, batch(1, T0 + SECOND, flow(A, X, 5, 1, 0, 0)));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);

    assertEquals(1, cluster.agentCount());
    ViewSnapshot a = view(WatchRequest.newBuilder().setNode("a").build());
    assertEquals(1, a.getNodesCount());
    assertTraffic(a.getTotals().getSent(), 55, 2);
    assertTraffic(a.getOther().getSent(), 50, 1);
    assertRow(a.getRows(0), A, X, 5, 1, 0, 0);
  }

  @Test
  void anAgentWithNothingAppliedLeavesNothingBehind() {
    agents.hello(streamA, hello("a", 1, 1, A));
    agents.disconnect(streamA);
    assertEquals(0, cluster.agentCount());
  }

  @Test
  void pastTheCollectorWideLimitTheIdlestOfAllAgentsFold() {
    IngestLimits limits = IngestLimits.defaults().withConversations(100, 10);
    MergeStore small = new MergeStore(clock::get, limits, new CollectorMetrics(), CostConfig.defaults().classifier());
    LocalAgents smallAgents = new LocalAgents(small, limits, new CollectorMetrics(), clock::get);
    smallAgents.hello(streamA, hello("a", 1, 1, A));
    smallAgents.hello(streamB, hello("b", 2, 1, B));
    io.clustertop.proto.v1.FlowDelta[] older = new io.clustertop.proto.v1.FlowDelta[8];
    io.clustertop.proto.v1.FlowDelta[] newer = new io.clustertop.proto.v1.FlowDelta[8];
    for (int i = 0; i < 8; i++) {
      older[i] = flow(A, "198.18.0." + (i + 1), 10, 1, 0, 0);
      newer[i] = flow(B, "198.18.1." + (i + 1), 100, 1, 0, 0);
    }
    smallAgents.batch(streamA, batch(1, T0 + SECOND, older));
    clock.set(T0 + 3 * SECOND);
    smallAgents.batch(streamB, batch(1, T0 + 3 * SECOND, newer)); // 16 held: past 10, down to 9
    clock.set(T0 + 4 * SECOND + SlotClock.GRACE_NANOS);

    assertEquals(9, small.conversations());
    ViewSnapshot s = LocalViews.view(small, WatchRequest.newBuilder().setLimit(100).build(),
        SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices());
    // Down to 9 of 16: a's conversations are the idlest (an older slot), 7 of them fold.
    assertEquals(9, s.getRowsCount());
    assertTraffic(s.getOther().getSent(), 70, 7);
    assertTraffic(s.getTotals().getSent(), 880, 16);
  }

  @Test
  void portsAreTheServicesTheConversationsUse() {
    agents.hello(streamA, hello("a", 1, 1, A));
    // a serves HTTP on 8080 to two clients, and is itself a client of x's 443.
    io.clustertop.proto.v1.FlowDelta served1 = flow(A, X, 5000, 5, 400, 4);
    io.clustertop.proto.v1.FlowDelta served2 = flow(A, "198.51.100.3", 3000, 3, 200, 2);
    io.clustertop.proto.v1.FlowDelta client = flow(A, X, 100, 1, 900, 2);
    served1 = served1.toBuilder().setKey(served1.getKey().toBuilder().setLocalPort(8080).setRemotePort(58890)).build();
    served2 = served2.toBuilder().setKey(served2.getKey().toBuilder().setLocalPort(8080).setRemotePort(41000)).build();
    client = client.toBuilder().setKey(client.getKey().toBuilder().setLocalPort(43210).setRemotePort(443)).build();
    agents.batch(streamA, batch(1, T0 + SECOND, served1, served2, client));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);

    ViewSnapshot s = view(WatchRequest.newBuilder().setGrouping(Grouping.PORTS).build());

    assertEquals(2, s.getRowsCount());
    assertEquals(8080, s.getRows(0).getRight().getPort());
    assertEquals(6, s.getRows(0).getProtocol());
    assertEquals(2, s.getRows(0).getConversations());
    assertTraffic(s.getRows(0).getSent(), 8000, 8);
    assertEquals(443, s.getRows(1).getRight().getPort());
    assertTraffic(s.getRows(1).getReceived(), 900, 2);
  }

  private static void assertRow(Row row, String left, String right, long sentBytes, long sentPackets,
      long receivedBytes, long receivedPackets) {
    assertEquals(IpAddress.parse(left), io.clustertop.proto.FlowWire.toAddress(row.getLeft().getAddress()));
    assertEquals(IpAddress.parse(right), io.clustertop.proto.FlowWire.toAddress(row.getRight().getAddress()));
    assertTraffic(row.getSent(), sentBytes, sentPackets);
    assertTraffic(row.getReceived(), receivedBytes, receivedPackets);
  }

  private static void assertTraffic(Traffic t, long bytes, long packets) {
    assertEquals(bytes, t.getBytes(), "bytes");
    assertEquals(packets, t.getPackets(), "packets");
  }
}
