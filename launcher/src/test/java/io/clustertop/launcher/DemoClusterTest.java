package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.LoopedCapture;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.NodeStatus;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The demo's cluster in this process, watched through the collector's watch service: every node
 * reports, and its figures are what its capture holds (tshark's count, the {@code .expected} files
 * record-demo.sh wrote) times the passes replayed.
 */
class DemoClusterTest {
  private static final List<String> NODES = List.of("web", "db", "worker", "batch");

  /** tshark's "total" line for a node's capture: packets, IP bytes. Every packet has the node at one end. */
  static long[] fileTotals(String node) {
    try (InputStream in = DemoClusterTest.class.getResourceAsStream("/demo/" + node + ".expected")) {
      String total = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> l.startsWith("total ")).findFirst().orElseThrow();
      String[] f = total.split(" ");
      return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Per node, the NODES view's cumulative figures: packets, bytes (sent and received). */
  private static Map<String, List<Long>> byNode(ViewSnapshot view) {
    Map<String, List<Long>> out = new TreeMap<>();
    for (Row r : view.getRowsList()) {
      out.put(r.getLeft().getNode(), List.of(r.getSent().getPackets() + r.getReceived().getPackets(),
          r.getSent().getBytes() + r.getReceived().getBytes()));
    }
    return out;
  }

  private static Iterator<ViewSnapshot> watch(ManagedChannel channel) {
    return WatchGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
        .subscribe(WatchRequest.newBuilder().setGrouping(Grouping.NODES).build());
  }

  @Test
  void afterTwoPassesEveryNodeHasTwiceItsCapture() throws Exception {
    try (DemoCluster cluster = DemoCluster.start("127.0.0.1:0", DemoNode.shipped(), 0, 2)) {
      assertTrue(cluster.awaitReplayed(Duration.ofSeconds(60)), "every agent replayed and acknowledged");
      ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.target()).usePlaintext().build();
      try {
        ViewSnapshot view = watch(channel).next();
        Map<String, List<Long>> expected = NODES.stream().collect(Collectors.toMap(n -> n, n -> {
          long[] t = fileTotals(n);
          return List.of(2 * t[0], 2 * t[1]);
        }, (a, b) -> a, TreeMap::new));
        assertEquals(expected, byNode(view));
        assertEquals(NODES.stream().sorted().toList(), view.getNodesList().stream().map(NodeStatus::getNode).sorted().toList());
        for (NodeStatus n : view.getNodesList()) {
          assertEquals(0, n.getGapSeconds(), n.getNode());
          assertFalse(n.getRestarted(), n.getNode());
        }
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anEndlessPacedLoopKeepsEveryNodeLiveIntoItsSecondPass() throws Exception {
    // At 30 times the pace a 65 s capture passes in about 2.2 s: in 6 s each node is well into its second pass.
    try (DemoCluster cluster = DemoCluster.start("127.0.0.1:0", DemoNode.shipped(), 30, LoopedCapture.FOREVER)) {
      ManagedChannel channel = NettyChannelBuilder.forTarget(cluster.target()).usePlaintext().build();
      try {
        Iterator<ViewSnapshot> views = watch(channel);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long previousTime = 0;
        Map<String, List<Long>> nodes = Map.of();
        ViewSnapshot view = null;
        while (System.nanoTime() < deadline && !pastOnePass(nodes)) {
          view = views.next();
          assertTrue(view.getTimeUnixNanos() >= previousTime, "the collector's time goes forward");
          previousTime = view.getTimeUnixNanos();
          nodes = byNode(view);
          for (NodeStatus n : view.getNodesList()) {
            assertFalse(n.getStale(), n.getNode() + " keeps sending");
          }
        }
        assertTrue(pastOnePass(nodes), "every node past its capture's length: " + nodes);
        assertTrue(view.getTotals().getSent().getBytesPerSecond().getLast2S() > 0, "a rate, not only totals");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static boolean pastOnePass(Map<String, List<Long>> nodes) {
    return nodes.keySet().equals(Set.copyOf(NODES)) && NODES.stream().allMatch(n -> nodes.get(n).get(1) > fileTotals(n)[1]);
  }
}
