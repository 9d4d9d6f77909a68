package io.clustertop.kafka.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.view.ViewRegistry;
import io.clustertop.collector.watch.SnapshotCut;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.testing.Await;
import io.clustertop.core.window.SlotClock;
import io.clustertop.kafka.KafkaBroker;
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.kafka.publish.TopicLayout;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Collectors sharing the agents' topic in one consumer group, against a real broker (one per class):
 * four agents publish through the real publisher while the same batches stream over gRPC to a
 * single reference collector, and the shards' views, row by row, added up, equal the reference's
 * exactly (host pairs of the cluster, with their nodes; each node's own totals; the totals), through
 * a rebalance while the agents publish, a collector gone (it leaves the group), a collector killed
 * (SIGKILL in a JVM of its own: its session expires), one agent cut off from the broker for 30 s
 * (behind a proxy: its buffer overflows into a gap, which the collectors report) and then the broker
 * restarted.
 *
 * <pre>
 *   n1 10.77.0.1 <-> n3 10.77.0.3    n2 10.77.0.2 <-> n4 10.77.0.4    n1 <-> n2    n3 <-> n4
 *   n1 <-> 203.0.113.7 (outside)     n2 -> 203.0.113.7
 * </pre>
 * Each agent's records are keyed to a partition of its own (4 partitions), so the two collectors hold
 * two nodes each and traffic between them crosses shards.
 */
class ShardedCollectorsTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  private static final int PARTITIONS = 4;
  private static final String OUTSIDE = "203.0.113.7";
  private static final Duration SETTLE = Duration.ofSeconds(90);
  private static final AtomicInteger RUN = new AtomicInteger();

  private final String topic = "agents-" + RUN.incrementAndGet();
  private final String group = "shards-" + RUN.get();
  private final List<LogAgent> agents = new ArrayList<>();
  private final List<CollectorServer> servers = new ArrayList<>();
  private final List<ShardConsumer> consumers = new ArrayList<>();
  private CollectorServer reference;
  private ManagedChannel channel;
  private Thread publishing;
  private final AtomicBoolean publish = new AtomicBoolean();
  private int step;

  @AfterEach
  void stop() throws InterruptedException {
    pause();
    agents.forEach(LogAgent::close);
    consumers.forEach(ShardConsumer::close);
    servers.forEach(CollectorServer::stop);
    if (channel != null) {
      channel.shutdownNow();
    }
    if (reference != null) {
      reference.stop();
    }
  }

  @Test
  void twoCollectorsAddUpToOneThroughARebalanceAndACollectorGone() throws Exception {
    startAgents(600, false);
    resume(true);
    Shard a = shard();
    await("the first collector owns every partition", () -> a.consumer.metrics().partitions() == PARTITIONS
        && a.consumer.metrics().rebuilds() >= 1);
    Thread.sleep(5000); // past the rebuild window (twice the 2 s full-state period): a newcomer starts at full states
    Shard b = shard(); // a rebalance while the agents publish
    await("the partitions shared", () -> a.consumer.metrics().partitions() == 2 && b.consumer.metrics().partitions() == 2
        && b.consumer.metrics().rebuilds() >= 1);
    Thread.sleep(2000);
    pause();
    awaitSettled();
    awaitSame(List.of(a.server.cluster(), b.server.cluster()));
    assertEquals(2, agentsHeld(a.server.cluster()));
    assertEquals(2, agentsHeld(b.server.cluster()));
    assertEquals(2, a.consumer.metrics().handedOver(), "the first collector handed two agents over");
    assertTrue(b.consumer.metrics().outcomes(AgentFeed.Outcome.STARTED_FROM_FULL_STATE) >= 2,
        "the newcomer rebuilt its agents from their full states");
    assertTrue(b.consumer.metrics().outcomes(AgentFeed.Outcome.WAITING) >= 1,
        "it skipped the batches before each agent's first full state in the window");
    assertEquals(0, b.consumer.metrics().outcomes(AgentFeed.Outcome.STARTED_FROM_FIRST_BATCH));

    resume(true);
    a.consumer.close(); // a collector gone: it leaves the group, its partitions go to the other
    await("the other owns every partition", () -> b.consumer.metrics().partitions() == PARTITIONS
        && b.consumer.metrics().rebuilds() >= 2);
    Thread.sleep(2000);
    pause();
    awaitSettled();
    awaitSame(List.of(b.server.cluster()));
    assertEquals(4, agentsHeld(b.server.cluster()));
  }

  @Test
  void aCollectorKilledItsPartitionsMoveAndItsNodesAreRebuilt() throws Exception {
    startAgents(600, false);
    resume(true);
    Process killed = shardProcess();
    try {
      await("the collector in its own JVM owns every partition and rebuilt them",
          () -> processSaid.get().contains("rebuilt in"));
      Shard b = shard(); // takes half of them
      await("the partitions shared", () -> b.consumer.metrics().partitions() == 2 && b.consumer.metrics().rebuilds() >= 1);
      Thread.sleep(2000);
      killed.destroyForcibly().waitFor(); // SIGKILL: it never leaves the group; its session expires (6 s here)
      await("the survivor owns every partition and rebuilt them",
          () -> b.consumer.metrics().partitions() == PARTITIONS && b.consumer.metrics().rebuilds() >= 2);
      Thread.sleep(2000);
      pause();
      awaitSettled();
      awaitSame(List.of(b.server.cluster()));
      assertEquals(4, agentsHeld(b.server.cluster()));
      assertEquals(0, b.consumer.metrics().handedOver(), "the survivor gave nothing up");
      // The killed collector's two agents, taken over more than the window (4 s) after their epochs began.
      assertTrue(b.consumer.metrics().outcomes(AgentFeed.Outcome.STARTED_FROM_FULL_STATE) >= 2,
          "its agents rebuilt from full states: " + b.consumer.metrics().outcomes(AgentFeed.Outcome.STARTED_FROM_FULL_STATE));
    } finally {
      killed.destroyForcibly();
    }
  }

  private final java.util.concurrent.atomic.AtomicReference<String> processSaid = new java.util.concurrent.atomic.AtomicReference<>("");

  /** A collector in a JVM of its own ({@link ShardProcess}), in the group; what it says kept in {@link #processSaid}. */
  private Process shardProcess() throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        ShardProcess.class.getName(), BROKER.bootstrap(), topic, PublisherSettings.nodeTopicOf(topic), group)
        .redirectErrorStream(true).start();
    Thread.ofPlatform().daemon().start(() -> {
      try (java.io.BufferedReader in = p.inputReader()) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          String l = line;
          processSaid.updateAndGet(s -> s + l + "\n");
        }
      } catch (java.io.IOException e) {
        // the process is gone
      }
    });
    return p;
  }

  @Test
  void anAgentCutOffThirtySecondsThenTheBrokerRestarted() throws Exception {
    startAgents(20, true); // n1 holds 20 batches (4 s), behind a proxy: cut off, it overflows into a gap
    resume(true);
    Shard a = shard();
    Shard b = shard();
    await("the partitions shared", () -> a.consumer.metrics().partitions() + b.consumer.metrics().partitions() == PARTITIONS
        && a.consumer.metrics().partitions() > 0 && b.consumer.metrics().partitions() > 0);
    Thread.sleep(2000);
    BROKER.cuttable().cut(); // n1 alone cut off from the broker; the others go on publishing
    Thread.sleep(30_000);
    BROKER.cuttable().restore();
    Thread.sleep(2000);
    BROKER.restart(); // every agent and both collectors lose the broker for a few seconds
    Thread.sleep(3000);
    pause();
    long[] before = agents.stream().mapToLong(LogAgent::fullStatesPublished).toArray();
    resume(false); // empty batches until each agent has published a full state since: it restores what the gap lost
    await("a full state of every agent after the outage", () -> {
      for (int i = 0; i < agents.size(); i++) {
        if (agents.get(i).fullStatesPublished() <= before[i]) {
          return false;
        }
      }
      return true;
    });
    pause();
    awaitSettled();
    awaitSame(List.of(a.server.cluster(), b.server.cluster()));
    assertTrue(a.consumer.metrics().gaps() + b.consumer.metrics().gaps() >= 1, "the gap was read");
    double gapSeconds = 0;
    for (CollectorServer s : servers) {
      gapSeconds += s.cluster().read(c -> {
        double[] sum = {0};
        c.forEachAgent(x -> sum[0] += x.node().equals("n1") ? x.gapSeconds() : 0);
        return sum[0];
      });
    }
    assertTrue(gapSeconds > 0, "n1's gap is in its node's status: " + gapSeconds);
  }

  // The agents and what they send

  private void startAgents(int n1Buffer, boolean n1BehindProxy) throws Exception {
    reference = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)), options(),
        CollectorServer::wallClockNanos).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", reference.port()).usePlaintext().build();
    PublisherSettings settings = new PublisherSettings(BROKER.bootstrap(), topic, PublisherSettings.nodeTopicOf(topic),
        Duration.ofSeconds(2), new TopicLayout(PARTITIONS, Optional.empty(), Duration.ofHours(1),
        TopicLayout.DEFAULT_MAX_MESSAGE_BYTES), Map.of());
    PublisherSettings proxied = new PublisherSettings("127.0.0.1:" + BROKER.cuttable().port(), settings.topic(),
        settings.nodeTopic(), settings.fullStatePeriod(), settings.layout(), Map.of());
    for (int i = 1; i <= 4; i++) {
      agents.add(new LogAgent(i == 1 && n1BehindProxy ? proxied : settings, i == 1 ? n1Buffer : 600, "n" + i,
          LogAgent.idOnPartition(i - 1, PARTITIONS), "10.77.0." + i, channel));
    }
  }

  /** One second of every agent, each reporting its own side of its conversations. */
  private void step() {
    LogAgent.fourNodeStep(agents, ++step, OUTSIDE);
  }

  /** Empty batches: time passes, nothing is sent. */
  private void idleStep() {
    agents.forEach(LogAgent::send);
  }

  /** The agents send every 200 ms, on a thread of their own: traffic, or (idle) empty batches. */
  private void resume(boolean traffic) {
    publish.set(true);
    publishing = Thread.ofPlatform().name("test-agents").start(() -> {
      while (publish.get()) {
        if (traffic) {
          step();
        } else {
          idleStep();
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
  }

  private void pause() throws InterruptedException {
    publish.set(false);
    if (publishing != null) {
      publishing.join();
    }
  }

  private void awaitSettled() throws InterruptedException {
    await("every batch acknowledged by the broker and by the reference collector",
        () -> agents.stream().allMatch(LogAgent::settled));
  }

  // The collectors

  private record Shard(CollectorServer server, ShardConsumer consumer) {}

  private static CollectorOptions options() {
    return new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, false,
        CostConfig.defaults(), null);
  }

  private Shard shard() throws Exception {
    CollectorServer server = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        options(), CollectorServer::wallClockNanos).start();
    servers.add(server);
    // A second of default period: the window is twice the nodes' 2 s, so a newcomer reads back 4 s.
    ConsumerSettings settings = new ConsumerSettings(BROKER.bootstrap(), topic, PublisherSettings.nodeTopicOf(topic),
        group, Duration.ofSeconds(1), Map.of());
    ShardConsumer consumer = new ShardConsumer(settings, server.ingest(), server.cluster(), "shard-" + servers.size(),
        System::currentTimeMillis).start();
    consumers.add(consumer);
    return new Shard(server, consumer);
  }

  private static int agentsHeld(MergeStore merge) {
    return merge.agentCount();
  }

  // Comparing views

  /** Waits until the shards' views, added up, equal the reference's; fails with the difference. */
  private void awaitSame(List<MergeStore> shards) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    String expected = "";
    String actual = "";
    while (System.nanoTime() < deadline) {
      expected = figures(List.of(reference.cluster()));
      actual = figures(shards);
      if (expected.equals(actual)) {
        return;
      }
      Thread.sleep(500);
    }
    assertEquals(expected, actual, "the shards' views added up, against one collector's");
  }

  /** Host pairs of the cluster and each node's own totals, rows added up by key over the collectors. */
  private static String figures(List<MergeStore> collectors) {
    StringBuilder out = new StringBuilder();
    for (Grouping g : List.of(Grouping.HOST_PAIRS, Grouping.NODES)) {
      Map<String, long[]> rows = new TreeMap<>();
      Map<String, TreeSet<String>> nodes = new TreeMap<>();
      long[] totals = new long[4];
      for (MergeStore m : collectors) {
        ViewSnapshot s = view(m, WatchRequest.newBuilder().setGrouping(g).setLimit(1000).build());
        assertFalse(s.hasOther() && s.getOther().getSent().getBytes() + s.getOther().getReceived().getBytes() > 0,
            "nothing in other: " + s.getOther());
        for (Row r : s.getRowsList()) {
          String key = r.getLeft().toString().replace('\n', ' ') + "| " + r.getRight().toString().replace('\n', ' ')
              + "| " + (r.hasProtocol() ? r.getProtocol() : "-");
          long[] v = rows.computeIfAbsent(key, x -> new long[5]);
          v[0] += r.getSent().getBytes();
          v[1] += r.getSent().getPackets();
          v[2] += r.getReceived().getBytes();
          v[3] += r.getReceived().getPackets();
          v[4] += r.getConversations();
          nodes.computeIfAbsent(key, x -> new TreeSet<>()).addAll(r.getNodesList());
        }
        totals[0] += s.getTotals().getSent().getBytes();
        totals[1] += s.getTotals().getSent().getPackets();
        totals[2] += s.getTotals().getReceived().getBytes();
        totals[3] += s.getTotals().getReceived().getPackets();
      }
      out.append(g).append(" totals ").append(java.util.Arrays.toString(totals)).append('\n');
      rows.forEach((k, v) -> out.append("  ").append(k).append(' ').append(java.util.Arrays.toString(v))
          .append(' ').append(nodes.get(k)).append('\n'));
    }
    return out.toString();
  }

  static ViewSnapshot view(MergeStore merge, WatchRequest request) {
    ViewRegistry views = new ViewRegistry(merge, new CollectorMetrics());
    ViewSpec spec = ViewWire.spec(request);
    views.acquire(spec);
    try {
      Frame frame = views.frame(spec, SlotClock.latestCompleted(CollectorServer.wallClockNanos()));
      return SnapshotCut.of(request, frame, CostConfig.defaults().prices(), List.of());
    } finally {
      views.release(spec);
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, SETTLE, condition);
  }
}
