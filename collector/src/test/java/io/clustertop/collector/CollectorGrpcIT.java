package io.clustertop.collector;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.message;
import static io.clustertop.collector.AgentMessages.volume;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.CaptureCounters;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.NodeStatus;
import io.clustertop.proto.v1.Traffic;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The collector over real gRPC on 127.0.0.1 (an ephemeral port), fed hand-built batches by test
 * agents, read back through the watch service. The collector's clock is fixed at {@code T0 + 1 s},
 * so time checks and slots are exact; snapshots are published by the test, not by a timer.
 *
 * <pre>
 *   a 10.0.0.1 <-> b 10.0.0.2    both run agents
 *   a, b <-> x 192.0.2.9         outside
 * </pre>
 */
class CollectorGrpcIT {
  private static final String A = "10.0.0.1";
  private static final String B = "10.0.0.2";
  private static final String C = "10.0.0.3";
  private static final String X = "192.0.2.9";
  private static final long NOW = T0 + SECOND;

  private final AtomicLong clock = new AtomicLong(NOW);
  private CollectorServer collector;
  private ManagedChannel channel;

  private void start(IngestLimits limits, int maxMessageBytes, InetSocketAddress metrics) throws IOException {
    start(new CollectorOptions(limits, maxMessageBytes, metrics, false, CostConfig.defaults(), null));
  }

  private void start(CollectorOptions options) throws IOException {
    collector = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), options,
        clock::get).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
  }

  private void start() throws IOException {
    start(IngestLimits.defaults().with(5, 3), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null);
  }

  @AfterEach
  void stop() throws InterruptedException {
    Watches.close(channel, collector);
  }

  /** The first snapshot of a subscription: the one sent at once. */
  private ViewSnapshot watch(WatchRequest request) {
    return Watches.first(channel, request);
  }

  private ViewSnapshot cluster() {
    return watch(WatchRequest.getDefaultInstance());
  }

  private ViewSnapshot node(String name) {
    return watch(WatchRequest.newBuilder().setNode(name).build());
  }

  @Test
  void twoAgentsThatTalkToEachOtherAreCountedOnceEachByte() throws IOException {
    start();
    TestAgent a = new TestAgent(channel);
    TestAgent b = new TestAgent(channel);
    assertFalse(a.hello(hello("a", 1, 1, A)).getSendFullState(), "it holds its first batch: no full state needed");
    b.hello(hello("b", 2, 1, B));

    a.assertApplied(1, a.send(batch(1, NOW, flow(A, B, 1000, 10, 300, 3), flow(A, X, 50, 1, 70, 1))));
    b.assertApplied(1, b.send(batch(1, NOW, flow(B, A, 300, 3, 1000, 10), flow(B, X, 20, 1, 0, 0))));

    ViewSnapshot all = cluster();
    assertTraffic(all.getTotals().getSent(), 1070, 12);
    assertTraffic(all.getTotals().getReceived(), 370, 4);
    assertEquals(3, all.getRowsCount());
    assertEquals("a", all.getRows(0).getLeft().getNode());
    assertEquals("b", all.getRows(0).getRight().getNode());
    assertTraffic(all.getRows(0).getSent(), 1000, 10);
    assertTraffic(all.getRows(0).getReceived(), 300, 3);
    ViewSnapshot viewA = node("a");
    assertTraffic(viewA.getTotals().getSent(), 1050, 11);
    assertTraffic(viewA.getTotals().getReceived(), 370, 4);
    ViewSnapshot viewB = node("b");
    assertTraffic(viewB.getTotals().getSent(), 320, 4);
    assertTraffic(viewB.getTotals().getReceived(), 1000, 10);
    ViewSnapshot nodes = watch(WatchRequest.newBuilder().setGrouping(Grouping.NODES).build());
    assertEquals(List.of("a", "b"), nodes.getRowsList().stream().map(r -> r.getLeft().getNode()).toList());
    ViewSnapshot remotes = watch(WatchRequest.newBuilder().setGrouping(Grouping.REMOTE_ADDRESSES).build());
    // Between two nodes the higher address is the remote one: b (a<->b), then x (from a and from b).
    assertEquals(2, remotes.getRowsCount());
    assertEquals("b", remotes.getRows(0).getRight().getNode());
    assertTraffic(remotes.getRows(0).getSent(), 1000, 10);
    assertTraffic(remotes.getRows(1).getSent(), 70, 2);
    assertTraffic(remotes.getRows(1).getReceived(), 70, 1);
    assertEquals(List.of("a", "b"), remotes.getRows(1).getNodesList());
    assertEquals("a,b", remotes.getRows(1).getLeft().getNode(), "the cluster's side is the nodes that talk to x");
    assertTraffic(remotes.getTotals().getSent(), 1070, 12);
  }

  @Test
  void duplicatedAndReorderedBatchesCountOnceInSequenceOrder() throws IOException {
    start();
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    DeltaBatch one = batch(1, NOW - 3 * SECOND, flow(A, X, 100, 1, 0, 0));
    DeltaBatch two = batch(2, NOW - 2 * SECOND, flow(A, X, 200, 2, 0, 0));
    DeltaBatch three = batch(3, NOW - SECOND, flow(A, X, 400, 4, 0, 0));
    DeltaBatch four = batch(4, NOW, flow(A, X, 800, 8, 0, 0));

    a.assertApplied(1, a.send(one));
    a.assertApplied(1, a.send(three)); // held: 2 is missing
    a.assertApplied(1, a.send(three)); // a duplicate of a held batch
    a.assertApplied(3, a.send(two)); // 2, then the held 3
    a.assertApplied(3, a.send(two));
    a.assertApplied(3, a.send(one));
    a.assertApplied(4, a.send(four));

    assertTraffic(cluster().getTotals().getSent(), 1500, 15);
    assertEquals(4, collector.metrics().batchesApplied());
    assertEquals(3, collector.metrics().batchesDeduplicated());

    // The agent reconnects and replays everything it holds: acknowledged, not counted.
    a.close();
    TestAgent again = new TestAgent(channel);
    Ack ack = again.hello(hello("a", 1, 1, A).toBuilder().setNewestSequence(4).build());
    assertFalse(ack.getSendFullState());
    again.assertApplied(4, ack);
    for (DeltaBatch replay : List.of(one, two, three, four)) {
      again.assertApplied(4, again.send(replay));
    }
    assertTraffic(cluster().getTotals().getSent(), 1500, 15);
  }

  @Test
  void aRestartedAgentIsMarkedAndItsTotalsContinue() throws IOException {
    start();
    TestAgent first = new TestAgent(channel);
    first.hello(hello("a", 1, 1, A));
    first.send(batch(1, NOW, flow(A, X, 100, 1, 10, 1)));
    first.close();

    TestAgent second = new TestAgent(channel);
    Ack ack = second.hello(hello("a", 1, 2, A));
    assertTrue(ack.getSendFullState());
    second.assertApplied(0, ack);
    second.assertApplied(1, second.send(batch(1, NOW, flow(A, X, 40, 1, 4, 1))));

    ViewSnapshot s = node("a");
    assertTraffic(s.getTotals().getSent(), 140, 2);
    assertTraffic(s.getTotals().getReceived(), 14, 2);
    NodeStatus status = s.getNodes(0);
    assertTrue(status.getRestarted());
    assertEquals(2, status.getEpoch());
    assertFalse(status.getStale());
    assertEquals(NOW, status.getLastBatchUnixNanos());
  }

  @Test
  void aGapIsCountedInSecondsAndItsBatchApplied() throws IOException {
    start();
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.send(batch(1, NOW - 4 * SECOND, flow(A, X, 100, 1, 0, 0)));
    CaptureCounters counters = CaptureCounters.newBuilder().setReceived(6).setDecoded(6).setDroppedByKernel(2).build();
    DeltaBatch afterGap = batch(5, NOW, flow(A, X, 500, 5, 0, 0)).toBuilder().setCounters(counters)
        .setGap(Gap.newBuilder().setFirstSequence(2).setLastSequence(4)
            .setStartUnixNanos(NOW - 4 * SECOND).setEndUnixNanos(NOW - SECOND))
        .build();

    a.assertApplied(5, a.send(afterGap));

    ViewSnapshot s = node("a");
    assertEquals(3.0, s.getNodes(0).getGapSeconds());
    assertTraffic(s.getTotals().getSent(), 600, 6);
    assertEquals(counters, s.getNodes(0).getCounters());
    assertEquals(counters, s.getCounters());
  }

  @Test
  void withoutTlsAnAgentIdBelongsToItsOpenStreamAndIsFreeOnceItEnds() throws IOException {
    start();
    TestAgent older = new TestAgent(channel);
    older.hello(hello("a", 1, 1, A));
    older.send(batch(1, NOW, flow(A, X, 100, 1, 0, 0)));

    // Anyone who reads the agent id and epoch off a console, with a later epoch: refused, nothing changed.
    Status hijack = new TestAgent(channel).refused(message(hello("a", 1, 2, A)));

    assertEquals(Status.Code.PERMISSION_DENIED, hijack.getCode());
    assertTrue(hijack.getDescription().startsWith("agent 01010101010101010101010101010101 of node a is connected from"
        + " 127.0.0.1:"), hijack.getDescription());
    assertEquals(1, collector.metrics().rejectedCount(InputProblem.IDENTITY));
    older.assertApplied(2, older.send(batch(2, NOW, flow(A, X, 5, 1, 0, 0)))); // the real agent goes on
    NodeStatus status = node("a").getNodes(0);
    assertEquals(1, status.getEpoch());
    assertFalse(status.getRestarted());
    assertEquals("", status.getState());

    older.close();
    TestAgent newer = new TestAgent(channel);
    newer.assertApplied(2, newer.hello(hello("a", 1, 1, A).toBuilder().setNewestSequence(2).build()));
    newer.assertApplied(3, newer.send(batch(3, NOW, flow(A, X, 20, 1, 0, 0))));
    assertTraffic(node("a").getTotals().getSent(), 125, 3);
  }

  @Test
  void aFullStatesGapCountsAsTheNodesGapSeconds() throws Exception {
    start(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, new InetSocketAddress("127.0.0.1", 0));
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.assertApplied(2, a.send(batch(2, NOW, flow(A, X, 10, 1, 0, 0))
        .toBuilder().setGap(Gap.newBuilder().setFirstSequence(1).setLastSequence(1)
            .setStartUnixNanos(NOW - 2 * SECOND).setEndUnixNanos(NOW - SECOND)).build()));
    // The collector restarts: the agent's Hello finds its epoch unknown, and its full state carries
    // the 8 s (sequences 3..10) it dropped meanwhile, its buffer full.
    collector.stop();
    channel.shutdownNow();
    start(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, new InetSocketAddress("127.0.0.1", 0));
    TestAgent again = new TestAgent(channel);
    assertTrue(again.hello(hello("a", 1, 1, A).toBuilder().setOldestHeldSequence(11).setNewestSequence(12).build())
        .getSendFullState());
    FullState state = FullState.newBuilder()
        .setSequence(12)
        .setFirstSlotStartUnixNanos(T0)
        .addFlows(FlowState.newBuilder().setKey(flow(A, X, 0, 0, 0, 0).getKey()).setCumulative(volume(500, 5, 0, 0)))
        .setTotal(volume(500, 5, 0, 0))
        .setGap(Gap.newBuilder().setFirstSequence(3).setLastSequence(10)
            .setStartUnixNanos(NOW - 10 * SECOND).setEndUnixNanos(NOW - 2 * SECOND))
        .build();

    again.sendOnly(AgentMessage.newBuilder().setFullState(state).build());
    again.assertApplied(12, again.ack());

    assertEquals(8.0, node("a").getNodes(0).getGapSeconds());
    assertTrue(scrape().contains("clustertop_node_gap_seconds_total{node=\"a\"} 8.000\n"));
  }

  @Test
  void anAgentWhoseClockIsOffIsShownAsSuchUntilItIsRight() throws Exception {
    start(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, new InetSocketAddress("127.0.0.1", 0));
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.assertApplied(1, a.send(batch(1, NOW, flow(A, X, 100, 1, 0, 0))));
    // d is new and 20 minutes behind: its Hello is taken, its first batch is not
    TestAgent d = new TestAgent(channel);
    d.hello(hello("d", 4, 1, C));

    Status status = d.refused(message(batch(1, NOW - 1200 * SECOND, flow(C, X, 7, 1, 0, 0))));

    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode());
    assertEquals("the end time is -1200 s from the collector's clock, beyond 600 s", status.getDescription());
    ViewSnapshot all = cluster();
    assertEquals(List.of("a", "d"), all.getNodesList().stream().map(NodeStatus::getNode).toList());
    assertEquals("", all.getNodes(0).getState());
    assertEquals("clock off by -1200 s", all.getNodes(1).getState());
    assertEquals("clock off by -1200 s", node("d").getNodes(0).getState());
    assertTraffic(all.getTotals().getSent(), 100, 1);
    String metrics = scrape();
    assertTrue(metrics.contains("\nclustertop_agents_clock_off 1\n"), metrics);
    assertTrue(metrics.contains("\nclustertop_agent_clock_offset_seconds{node=\"d\",agent=\"04040404040404040404040404040404\"}"
        + " -1200.000\n"), metrics);

    // its clock set right, it is taken again and shown as reporting
    TestAgent right = new TestAgent(channel);
    right.hello(hello("d", 4, 1, C));
    right.assertApplied(1, right.send(batch(1, NOW, flow(C, X, 7, 1, 0, 0))));
    assertEquals("", node("d").getNodes(0).getState());
    assertTrue(scrape().contains("\nclustertop_agents_clock_off 0\n"));
    assertTraffic(cluster().getTotals().getSent(), 107, 2);
  }

  @Test
  void aSmallSkewIsTakenOnTheAgentsClockAheadInThePresent() throws IOException {
    start();
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    TestAgent b = new TestAgent(channel);
    b.hello(hello("b", 2, 1, B));
    // a 9 minutes ahead, within the 10 minutes taken: counted, in the slot the collector is in now
    a.assertApplied(1, a.send(batch(1, NOW + 540 * SECOND, flow(A, X, 400, 4, 0, 0))));
    // b 9 minutes behind: counted, in its own (past) slot, out of every window
    b.assertApplied(1, b.send(batch(1, NOW - 540 * SECOND, flow(B, X, 100, 1, 0, 0))));

    clock.set(NOW + 2 * SECOND); // the slot [T0, T0 + 2 s) completed
    ViewSnapshot viewA = node("a");
    assertTraffic(viewA.getTotals().getSent(), 400, 4);
    assertEquals(200.0, viewA.getTotals().getSent().getBytesPerSecond().getLast2S());
    ViewSnapshot viewB = node("b");
    assertTraffic(viewB.getTotals().getSent(), 100, 1);
    assertEquals(0.0, viewB.getTotals().getSent().getBytesPerSecond().getLast40S());
    assertEquals(List.of("", ""), cluster().getNodesList().stream().map(NodeStatus::getState).toList());
  }

  @Test
  void addressesOutsideTheClusterNetworksAreRefusedAndShownAndCountedTrafficStays() throws Exception {
    start(new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES,
        new InetSocketAddress("127.0.0.1", 0), false, CostConfig.defaults(), null)
        .withClusterNetworks(List.of(io.clustertop.core.flow.Network.parse("10.0.0.0/24"))));
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.assertApplied(1, a.send(batch(1, NOW, flow(A, X, 1000, 10, 9000, 90))));
    long[] before = clusterFigures();

    // a rogue announcing the internet host a talks to, then a's own address
    Status outside = new TestAgent(channel).refused(message(hello("rogue", 9, 1, X)));
    Status taken = new TestAgent(channel).refused(message(hello("rogue", 9, 1, A)));

    assertEquals(Status.Code.PERMISSION_DENIED, outside.getCode());
    assertEquals("node rogue may not announce 192.0.2.9: not in the cluster networks (--cluster-networks)",
        outside.getDescription());
    assertEquals(Status.Code.PERMISSION_DENIED, taken.getCode());
    assertEquals("node rogue may not announce 10.0.0.1 (node a): another connected node announces it",
        taken.getDescription());
    assertEquals(2, collector.metrics().rejectedCount(InputProblem.ADDRESS_CLAIM));
    assertArrayEquals(before, clusterFigures());
    ViewSnapshot all = cluster();
    assertEquals("address refused: 10.0.0.1 (node a)", all.getNodes(1).getState());
    assertEquals("rogue", all.getNodes(1).getNode());
    assertTrue(scrape().contains("\nclustertop_agents_address_refused 1\n"));
    a.assertApplied(2, a.send(batch(2, NOW, flow(A, X, 1, 1, 0, 0))));
    assertTraffic(node("a").getTotals().getReceived(), 9000, 90);
  }

  /** The cluster's totals and its egress to the outside host x, each way. */
  private long[] clusterFigures() {
    ViewSnapshot all = cluster();
    ViewSnapshot remotes = watch(WatchRequest.newBuilder().setGrouping(Grouping.REMOTE_ADDRESSES).build());
    return new long[] {all.getTotals().getSent().getBytes(), all.getTotals().getReceived().getBytes(),
        remotes.getRows(0).getSent().getBytes(), remotes.getRows(0).getReceived().getBytes()};
  }

  /** /metrics as Prometheus reads it. */
  private String scrape() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + collector.metricsEndpoint().address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString())
          .body();
    }
  }

  @Test
  void aNodeWithoutBatchesForFiveSecondsIsStale() throws IOException {
    start();
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.send(batch(1, NOW, flow(A, X, 100, 1, 0, 0)));
    clock.set(NOW + 5 * SECOND);
    assertFalse(node("a").getNodes(0).getStale());
    clock.set(NOW + 5 * SECOND + 1);
    assertTrue(node("a").getNodes(0).getStale());
  }

  @Test
  void aFullStateReplacesWhatWasKnownAndLaterBatchesFollowIt() throws IOException {
    start();
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.send(batch(1, NOW, flow(A, X, 999, 9, 0, 0)));
    // Two slots, [T0 - 2 s, T0) and [T0, T0 + 2 s): 100 and 200 bytes of the flow's 1000; 100 more
    // bytes only in the totals (flows the agent cut), all before the slots.
    FullState state = FullState.newBuilder()
        .setSequence(5)
        .setFirstSlotStartUnixNanos(T0 - 2 * SECOND)
        .addFlows(FlowState.newBuilder().setKey(flow(A, X, 0, 0, 0, 0).getKey())
            .setCumulative(volume(1000, 10, 0, 0)).addSlots(volume(100, 1, 0, 0)).addSlots(volume(200, 2, 0, 0)))
        .setTotal(volume(1100, 11, 0, 0))
        .addTotalSlots(volume(100, 1, 0, 0)).addTotalSlots(volume(200, 2, 0, 0))
        .build();

    a.sendOnly(AgentMessage.newBuilder().setFullState(state).build());
    a.assertApplied(5, a.ack());
    a.assertApplied(5, a.send(batch(3, NOW, flow(A, X, 7, 7, 0, 0)))); // included in the state already
    a.assertApplied(6, a.send(batch(6, NOW, flow(A, X, 50, 1, 0, 0))));

    ViewSnapshot s = node("a");
    assertTraffic(s.getTotals().getSent(), 1150, 12);
    assertTraffic(s.getRows(0).getSent(), 1050, 11);
    assertTraffic(s.getOther().getSent(), 100, 1);
    // The latest completed slot is [T0 - 2 s, T0), the first the state knew: 100 bytes in 2 s.
    assertEquals(50.0, s.getRows(0).getSent().getBytesPerSecond().getLast2S());
    assertTraffic(cluster().getTotals().getSent(), 1150, 12);
    assertEquals(1, collector.metrics().fullStatesApplied());
  }

  @Test
  void aSubscriberGetsASnapshotNowAndOnePerSlot() throws IOException {
    collector = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        CollectorOptions.defaults(), CollectorServer::wallClockNanos).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      List<Long> times = context.call(() -> {
        var snapshots = WatchGrpc.newBlockingStub(channel).subscribe(WatchRequest.getDefaultInstance());
        return List.of(snapshots.next().getTimeUnixNanos(), snapshots.next().getTimeUnixNanos(),
            snapshots.next().getTimeUnixNanos());
      });
      // The first may repeat the slot of the one at once (it was made in the half second of grace);
      // after it, each snapshot is one slot on.
      assertEquals(2 * SECOND, times.get(2) - times.get(1));
      assertTrue(times.get(1) - times.get(0) <= 2 * SECOND);
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      context.cancel(null);
    }
  }

  /** One kind of bad input: what the misbehaving agent "c" sends, the status and reason expected. */
  record BadInput(String name, Status.Code code, InputProblem problem, Function<TestAgent, Status> send) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<BadInput> badInputs() {
    FlowDelta good = flow(C, X, 10, 1, 0, 0);
    return Stream.of(
        new BadInput("an address of 5 bytes", Status.Code.INVALID_ARGUMENT, InputProblem.MALFORMED_ADDRESS,
            c -> c.refused(message(batch(2, NOW, good.toBuilder()
                .setKey(good.getKey().toBuilder().setRemoteAddress(ByteString.copyFrom(new byte[5]))).build())))),
        new BadInput("a volume above 2^50 bytes", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_VOLUME,
            c -> c.refused(message(batch(2, NOW, flow(C, X, (1L << 50) + 1, 1, 0, 0))))),
        new BadInput("a flow beyond what a 400 Gb/s link carries in its second", Status.Code.INVALID_ARGUMENT,
            InputProblem.BEYOND_LINK_RATE, c -> c.refused(message(batch(2, NOW, flow(C, X, 100_000_000_001L, 1, 0, 0))))),
        new BadInput("a total beyond what a link carries", Status.Code.INVALID_ARGUMENT, InputProblem.BEYOND_LINK_RATE,
            c -> c.refused(message(batch(2, NOW, good).toBuilder().setTotal(volume(1L << 40, 1, 0, 0)).build()))),
        new BadInput("a uint64 counter that wrapped", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_VOLUME,
            c -> c.refused(message(batch(2, NOW, flow(C, X, -1L, 1, 0, 0))))),
        new BadInput("totals below the sum of the flows", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_VOLUME,
            c -> c.refused(message(batch(2, NOW, good).toBuilder().setTotal(volume(9, 1, 0, 0)).build()))),
        new BadInput("an end 11 minutes ahead", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_TIME,
            c -> c.refused(message(batch(2, NOW + 660 * SECOND, good)))),
        new BadInput("a start 11 minutes behind", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_TIME,
            c -> c.refused(message(batch(2, NOW, good).toBuilder().setStartUnixNanos(NOW - 660 * SECOND).build()))),
        new BadInput("6 flows where 5 are allowed", Status.Code.INVALID_ARGUMENT, InputProblem.TOO_MANY_FLOWS,
            c -> c.refused(message(batch(2, NOW, good, good, good, good, good, good)))),
        new BadInput("sequence 0", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_SEQUENCE,
            c -> c.refused(message(batch(0, NOW, good)))),
        new BadInput("a sequence beyond the reorder window", Status.Code.OUT_OF_RANGE, InputProblem.BAD_SEQUENCE,
            c -> c.refused(message(batch(18, NOW, good)))),
        new BadInput("a second Hello", Status.Code.FAILED_PRECONDITION, InputProblem.PROTOCOL,
            c -> c.refused(message(hello("c", 3, 1, C)))),
        new BadInput("a Hello whose sequence went back in the same epoch", Status.Code.FAILED_PRECONDITION,
            InputProblem.BAD_SEQUENCE, c -> {
              c.close();
              TestAgent again = new TestAgent(c.channel());
              return again.refused(message(hello("c", 3, 1, C).toBuilder().setNewestSequence(0).build()));
            }),
        new BadInput("a full state whose total is below its flows", Status.Code.INVALID_ARGUMENT,
            InputProblem.BAD_VOLUME, c -> c.refused(AgentMessage.newBuilder().setFullState(FullState.newBuilder()
                .setSequence(1).setFirstSlotStartUnixNanos(T0)
                .addFlows(FlowState.newBuilder().setKey(good.getKey()).setCumulative(volume(10, 1, 0, 0)))
                .setTotal(volume(9, 1, 0, 0))).build())),
        new BadInput("a Hello of an older epoch", Status.Code.FAILED_PRECONDITION, InputProblem.BAD_SEQUENCE, c -> {
          c.close();
          TestAgent restarted = new TestAgent(c.channel());
          restarted.hello(hello("c", 3, 2, C)); // restarted: epoch 2, figures kept
          restarted.close();
          return new TestAgent(c.channel()).refused(message(hello("c", 3, 1, C)));
        }),
        new BadInput("a batch before any Hello", Status.Code.FAILED_PRECONDITION, InputProblem.PROTOCOL,
            c -> new TestAgent(c.channel()).refused(message(batch(2, NOW, good)))),
        new BadInput("a node name with a terminal escape", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_NAME,
            c -> new TestAgent(c.channel()).refused(message(hello("e\u001b[2Je", 5, 1)))),
        new BadInput("a node name of 254 characters", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_NAME,
            c -> new TestAgent(c.channel()).refused(message(hello("e".repeat(254), 5, 1)))),
        new BadInput("a label with a newline", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_NAME,
            c -> new TestAgent(c.channel()).refused(message(hello("e", 5, 1).toBuilder().setIdentity(
                hello("e", 5, 1).getIdentity().toBuilder().putLabels("team", "a\nb")).build()))),
        new BadInput("a Hello of epoch 2^63-1 for c's agent id", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_TIME,
            c -> new TestAgent(c.channel()).refused(message(hello("c", 3, Long.MAX_VALUE, C)))),
        new BadInput("a Hello of a later epoch for c's agent id, c connected", Status.Code.PERMISSION_DENIED,
            InputProblem.IDENTITY, c -> new TestAgent(c.channel()).refused(message(hello("c", 3, NOW, C)))),
        new BadInput("a Hello announcing c's address for another node", Status.Code.PERMISSION_DENIED,
            InputProblem.ADDRESS_CLAIM, c -> new TestAgent(c.channel()).refused(message(hello("e", 5, 1, C)))),
        new BadInput("a full state whose gap runs past its sequence", Status.Code.INVALID_ARGUMENT,
            InputProblem.BAD_SEQUENCE, c -> c.refused(AgentMessage.newBuilder().setFullState(FullState.newBuilder()
                .setSequence(4).setFirstSlotStartUnixNanos(T0).setGap(Gap.newBuilder().setFirstSequence(2)
                    .setLastSequence(5).setStartUnixNanos(NOW - 4 * SECOND).setEndUnixNanos(NOW))).build())),
        new BadInput("a gap that begins before the agent's epoch", Status.Code.INVALID_ARGUMENT, InputProblem.BAD_TIME,
            c -> {
              c.close();
              TestAgent again = new TestAgent(c.channel());
              again.hello(hello("c", 3, 2, C)); // restarted at 2 ns past 1970
              return again.refused(message(batch(3, NOW, good).toBuilder().setGap(Gap.newBuilder()
                  .setFirstSequence(1).setLastSequence(2).setStartUnixNanos(1).setEndUnixNanos(NOW - SECOND)).build()));
            }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badInputEndsTheStreamWithItsStatusAndChangesNoFigure(BadInput bad) throws IOException {
    start();
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.send(batch(1, NOW, flow(A, X, 100, 1, 50, 1)));
    TestAgent c = new TestAgent(channel);
    c.hello(hello("c", 3, 1, C));
    c.assertApplied(1, c.send(batch(1, NOW, flow(C, X, 7, 1, 3, 1))));
    long[] before = figures();

    Status status = bad.send().apply(c);

    assertEquals(bad.code(), status.getCode(), status.toString());
    assertFalse(status.getDescription().isEmpty());
    assertArrayEquals(before, figures());
    assertEquals(1, collector.metrics().rejectedCount(bad.problem()));
    a.assertApplied(2, a.send(batch(2, NOW, flow(A, X, 1, 1, 0, 0)))); // the others go on
    assertTraffic(node("a").getTotals().getSent(), 101, 2);
  }

  /** Cluster, a's and c's totals: sent bytes, sent packets, received bytes, received packets. */
  private long[] figures() {
    ViewSnapshot all = cluster();
    ViewSnapshot a = node("a");
    ViewSnapshot c = node("c");
    return new long[] {
      all.getTotals().getSent().getBytes(), all.getTotals().getSent().getPackets(),
      all.getTotals().getReceived().getBytes(), all.getTotals().getReceived().getPackets(),
      a.getTotals().getSent().getBytes(), a.getTotals().getReceived().getBytes(),
      c.getTotals().getSent().getBytes(), c.getTotals().getReceived().getBytes(),
    };
  }

  @Test
  void aMessageAboveTheSizeLimitIsRefusedWithResourceExhaustedAndCounted() throws IOException {
    start(IngestLimits.defaults(), 64 * 1024, null);
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    FlowDelta[] flows = new FlowDelta[3000]; // about 90 KiB
    for (int i = 0; i < flows.length; i++) {
      flows[i] = flow(A, "198.18." + (i / 256) + "." + (i % 256), 1, 1, 0, 0);
    }

    Status status = a.refused(message(batch(1, NOW, flows)));

    // The collector's marshaller refuses it (gRPC's own limit is twice ours: grpc-java ends a stream whose
    // later message passes its limit with a bare RST_STREAM, CANCELLED to the agent, grpc/grpc-java#11245).
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
    assertTrue(status.getDescription().contains("--max-message-bytes"), status.getDescription());
    assertEquals(1, collector.metrics().rejectedCount(InputProblem.TOO_LARGE));
    assertEquals(0, cluster().getTotals().getSent().getBytes());
    assertEquals(0, collector.metrics().batchesApplied());
  }

  @Test
  void helloesPastTheirLimitPerMinuteAreRefusedAndCounted() throws IOException {
    start(IngestLimits.defaults().withFlood(IngestLimits.DEFAULT_MAX_LINK_BYTES_PER_SECOND, 5000, 3),
        CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null);
    for (int i = 0; i < 3; i++) {
      TestAgent again = new TestAgent(channel);
      again.hello(hello("a", 1, 1, A));
      again.close();
    }

    Status status = new TestAgent(channel).refused(message(hello("a", 1, 1, A)));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode(), status.toString());
    assertEquals(1, collector.metrics().rejectedCount(InputProblem.TOO_MANY_HELLOS));
    clock.addAndGet(60 * SECOND); // the next minute: it may come back
    new TestAgent(channel).hello(hello("a", 1, 1, A));
  }

  @ParameterizedTest(name = "{2}")
  @org.junit.jupiter.params.provider.CsvSource({"3, 2, --max-subscribers-per-console", "2, 5, --max-subscribers)"})
  void watchStreamsPastTheirLimitsAreRefusedAndCounted(int total, int perConsole, String flag) throws IOException {
    collector = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, false,
            CostConfig.defaults(), null).withWatch(new io.clustertop.collector.watch.WatchLimits(total, perConsole, 30)),
        clock::get).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
    List<Context.CancellableContext> open = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        Context.CancellableContext c = Context.current().withCancellation();
        open.add(c);
        java.util.Iterator<ViewSnapshot> it = c.call(() -> WatchGrpc.newBlockingStub(channel)
            .subscribe(WatchRequest.getDefaultInstance()));
        c.run(it::next);
      }
      // a third stream (of the same console: 127.0.0.1, no certificate) passes one limit or the other
      Status third = watchStatus();
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, third.getCode(), third.toString());
      assertTrue(third.getDescription().contains(flag), third.getDescription());
      assertEquals(1, collector.metrics().watchesRefused());
      open.remove(0).cancel(null); // one goes: there is room again
      // The server hears of the cancellation a moment later: poll, no sleep.
      long deadline = System.nanoTime() + 10 * SECOND;
      Status again = watchStatus();
      while (!again.isOk() && System.nanoTime() < deadline) {
        again = watchStatus();
      }
      assertEquals(Status.Code.OK, again.getCode(), again.toString());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      open.forEach(c -> c.cancel(null));
    }
  }

  /** The status of a watch that takes its first snapshot and leaves: OK, or how it was refused. */
  private Status watchStatus() {
    try {
      cluster();
      return Status.OK;
    } catch (AssertionError e) {
      return Status.fromThrowable(e.getCause());
    }
  }

  @Test
  void agentsBeyondTheLimitAreTurnedAwayAndCounted() throws IOException {
    start(IngestLimits.defaults().with(5, 2), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null);
    new TestAgent(channel).hello(hello("a", 1, 1, A));
    new TestAgent(channel).hello(hello("b", 2, 1, B));

    Status status = new TestAgent(channel).refused(message(hello("c", 3, 1, C)));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
    assertEquals(1, collector.metrics().rejectedCount(InputProblem.TOO_MANY_AGENTS));
    assertEquals(2, cluster().getNodesCount());
  }

  @Test
  void heldBatchesAreBoundedInBytesAndDroppedWhenTheStreamEnds() throws IOException {
    // A batch of one flow takes about 400 bytes held: two fit in 1000, a third does not.
    start(IngestLimits.defaults().withHeld(16, 1000), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null);
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.assertApplied(1, a.send(batch(1, NOW, flow(A, X, 100, 1, 0, 0))));
    a.assertApplied(1, a.send(batch(3, NOW, flow(A, X, 300, 3, 0, 0)))); // 2 is missing: held
    a.assertApplied(1, a.send(batch(4, NOW, flow(A, X, 400, 4, 0, 0))));

    Status status = a.refused(message(batch(5, NOW, flow(A, X, 500, 5, 0, 0))));

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
    assertEquals(1, collector.metrics().rejectedCount(InputProblem.TOO_MUCH_HELD));
    assertEquals(2, collector.metrics().heldBatchesDropped(), "the held batches go with their stream");
    assertTraffic(node("a").getTotals().getSent(), 100, 1);
    // The agent comes back and sends them again, in order this time.
    TestAgent again = new TestAgent(channel);
    again.hello(hello("a", 1, 1, A).toBuilder().setNewestSequence(5).build());
    again.send(batch(2, NOW, flow(A, X, 200, 2, 0, 0)));
    again.send(batch(3, NOW, flow(A, X, 300, 3, 0, 0)));
    again.send(batch(4, NOW, flow(A, X, 400, 4, 0, 0)));
    again.assertApplied(5, again.send(batch(5, NOW, flow(A, X, 500, 5, 0, 0))));
    assertTraffic(node("a").getTotals().getSent(), 1500, 15);
  }

  @Test
  void aWatcherThatNeverReadsDoesNotHoldIngestionBack() throws IOException {
    start(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null);
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    FlowDelta[] flows = new FlowDelta[1000];
    for (int i = 0; i < flows.length; i++) {
      flows[i] = flow(A, "198.18." + (i / 256) + "." + (i % 256), 1, 1, 0, 0);
    }
    a.send(batch(1, NOW, flows));
    // A raw call that asks for no message: everything sent to it stays in the transport's buffers.
    ClientCall<WatchRequest, ViewSnapshot> stuck = channel.newCall(WatchGrpc.getSubscribeMethod(), CallOptions.DEFAULT);
    stuck.start(new ClientCall.Listener<>() {}, new Metadata());
    stuck.sendMessage(WatchRequest.newBuilder().setLimit(1000).build());
    stuck.halfClose();

    long start = System.nanoTime();
    for (int sequence = 2; sequence <= 301; sequence++) {
      collector.publishNow(); // about 60 KB for the stuck watcher each time
      a.assertApplied(sequence, a.send(batch(sequence, NOW, flow(A, X, 10, 1, 0, 0))));
    }
    long seconds = (System.nanoTime() - start) / 1_000_000_000L;

    assertTrue(seconds < 30, "300 batches took " + seconds + " s");
    ViewSnapshot s = cluster();
    assertTraffic(s.getTotals().getSent(), 1000 + 3000, 1000 + 300);
    // 300 snapshots of ~60 KB cannot all fit the transport's 1 MiB window: once it is full, each is
    // replaced unsent, and after 30 in a row (--watch-unread-publications) the stream is closed (a few
    // more may have been replaced before, while a snapshot was still being written out).
    assertTrue(collector.metrics().snapshotsDropped() >= 30, "dropped " + collector.metrics().snapshotsDropped());
    assertTrue(collector.metrics().snapshotsDropped() < 100, "dropped " + collector.metrics().snapshotsDropped());
    assertEquals(1, collector.metrics().watchesClosedUnread());
    stuck.cancel("done", null);
  }

  @Test
  void metricsAreServedInPrometheusText() throws Exception {
    start(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, new InetSocketAddress("127.0.0.1", 0));
    TestAgent a = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    a.send(batch(1, NOW, flow(A, X, 100, 2, 50, 1)));
    a.send(batch(1, NOW, flow(A, X, 100, 2, 50, 1)));

    HttpResponse<String> response;
    try (HttpClient http = HttpClient.newHttpClient()) {
      response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + collector.metricsEndpoint().address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    }

    assertEquals(200, response.statusCode());
    List<String> lines = response.body().lines().filter(l -> !l.startsWith("#")).toList();
    assertTrue(lines.contains("clustertop_node_sent_bytes_total{node=\"a\"} 100"), response.body());
    assertTrue(lines.contains("clustertop_node_received_bytes_total{node=\"a\"} 50"));
    assertTrue(lines.contains("clustertop_node_sent_packets_total{node=\"a\"} 2"));
    assertTrue(lines.contains("clustertop_node_capture_dropped_total{node=\"a\",where=\"kernel\"} 0"));
    assertTrue(lines.contains("clustertop_ingest_batches_applied_total 1"));
    assertTrue(lines.contains("clustertop_ingest_batches_deduplicated_total 1"));
    assertTrue(lines.contains("clustertop_ingest_rejected_total{reason=\"bad_volume\"} 0"));
    assertTrue(lines.contains("clustertop_agents_connected 1"));
  }

  private static void assertTraffic(Traffic t, long bytes, long packets) {
    assertEquals(bytes, t.getBytes(), "bytes");
    assertEquals(packets, t.getPackets(), "packets");
  }
}
