package io.clustertop.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.testing.Await;
import io.clustertop.kafka.KafkaBroker;
import io.clustertop.kafka.consume.ConsumerSettings;
import io.clustertop.kafka.consume.LogAgent;
import io.clustertop.kafka.consume.ShardConsumer;
import io.clustertop.kafka.consume.ShardProcess;
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.kafka.publish.TopicLayout;
import io.clustertop.kafka.shards.ShardAnnouncer;
import io.clustertop.kafka.shards.ShardDiscovery;
import io.clustertop.kafka.shards.ShardSettings;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ShardStatus;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relay finding its shards in the collectors' consumer group ({@code relay --kafka B --group G}),
 * against a real broker: each collector announces its Watch service on the shard topic once it has
 * joined the group ({@link ShardAnnouncer}), and the relay merges those the group's live membership
 * holds ({@link ShardDiscovery}), following joins and leaves. Four agents publish through the real
 * publisher while the same batches stream over gRPC to one reference collector, and at each stage the
 * relay's views equal the reference's exactly:
 * <ol>
 *   <li>two collectors join (one in a JVM of its own): the relay finds both, and its rows and totals
 *       are the reference's (rates and peaks too: nothing was taken over yet);
 *   <li>the one in its own JVM is killed (SIGKILL: no tombstone, no goodbye to the group): the relay
 *       drops it once the group's session for it expires, and its nodes, rebuilt by the survivor, are
 *       back in the relay's figures;
 *   <li>a third collector joins: the relay subscribes to it as the group hands it partitions;
 *   <li>it stops cleanly: its tombstone drops it from the relay.
 * </ol>
 * After a takeover the figures since the start are compared (bytes, packets, conversations, rows as a
 * set, "other", totals): a rebuilt node's slots come from its latest full state, its last 40 s, so a
 * peak from before those is the reference's alone.
 */
class DiscoveredShardsTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  private static final int PARTITIONS = 4;
  private static final String OUTSIDE = "203.0.113.7";
  private static final Duration SETTLE = Duration.ofSeconds(90);
  private static final String TOPIC = "agents";
  private static final String GROUP = "discovered";

  private final List<LogAgent> agents = new ArrayList<>();
  private final List<CollectorServer> servers = new ArrayList<>();
  private final List<ShardConsumer> consumers = new ArrayList<>();
  private final List<Watcher> watchers = new ArrayList<>();
  private final AtomicInteger step = new AtomicInteger();
  private ManagedChannel channel;
  private RelayServer relay;
  private ShardDiscovery discovery;
  private CollectorServer reference;
  private Process killed;

  @AfterEach
  void stop() {
    watchers.forEach(Watcher::close);
    if (discovery != null) {
      discovery.close();
    }
    if (relay != null) {
      relay.stop();
    }
    if (killed != null) {
      killed.destroyForcibly();
    }
    agents.forEach(LogAgent::close);
    consumers.forEach(ShardConsumer::close);
    servers.forEach(CollectorServer::stop);
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  @Test
  void theRelayFollowsTheCollectorsOfTheGroup() throws Exception {
    reference = collector();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", reference.port()).usePlaintext().build();
    PublisherSettings settings = new PublisherSettings(BROKER.bootstrap(), TOPIC, PublisherSettings.nodeTopicOf(TOPIC),
        Duration.ofSeconds(2), new TopicLayout(PARTITIONS, Optional.empty(), Duration.ofHours(1),
        TopicLayout.DEFAULT_MAX_MESSAGE_BYTES), Map.of());
    for (int i = 1; i <= 4; i++) { // each agent on a partition of its own
      agents.add(new LogAgent(settings, 600, "n" + i, LogAgent.idOnPartition(i - 1, PARTITIONS), "10.77.0." + i, channel));
    }
    relay = new RelayServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new RelayOptions(List.of(), 4, RelayOptions.DEFAULT_LATE_NANOS), InsecureChannelCredentials.create()).start();
    ShardSettings shards = new ShardSettings(BROKER.bootstrap(), ShardSettings.topicOf(TOPIC), GROUP, Map.of());
    discovery = new ShardDiscovery(shards, "relay", relay::join, relay::leave).start();

    // Before any collector: a view that says there is no shard.
    Watcher empty = watch(relay.port(), WatchRequest.newBuilder().setGrouping(Grouping.NODES).setLimit(10).build());
    ViewSnapshot none = empty.next();
    assertEquals(0, none.getRelay().getShardsCount(), "no shard yet: " + none.getRelay());
    assertEquals(0, none.getTotals().getSent().getBytes());

    // 1. Two collectors join: one here, one in a JVM of its own.
    CollectorServer a = collector();
    ShardConsumer consumerA = consumer(a, "shard-a");
    killed = shardProcess();
    await("the relay found both collectors", () -> relay.shards().size() == 2);
    String addressA = Shards.address(a);
    assertTrue(relay.shards().contains(addressA), "" + relay.shards());
    String addressKilled = relay.shards().stream().filter(s -> !s.equals(addressA)).findFirst().orElseThrow();
    empty.next(v -> v.getRelay().getShardsCount() == 2); // the view already served subscribed to both
    await("the partitions shared, two each", () -> consumerA.metrics().partitions() == 2);
    traffic(20);
    compare(true, Set.of(addressA, addressKilled));

    // 2. The collector in its own JVM killed: no tombstone; the group's session for it expires (6 s here).
    killed.destroyForcibly().waitFor();
    await("the relay dropped the killed collector", () -> relay.shards().equals(List.of(addressA)));
    traffic(10); // a full state of each agent since (every 2 s): the survivor has rebuilt the killed one's nodes
    compare(false, Set.of(addressA));

    // 3. A third collector joins: the relay subscribes to it.
    CollectorServer c = collector();
    ShardConsumer consumerC = consumer(c, "shard-c");
    String addressC = Shards.address(c);
    await("the relay found the newcomer", () -> relay.shards().equals(List.of(addressA, addressC)));
    await("the newcomer holds partitions", () -> consumerC.metrics().partitions() > 0);
    traffic(10);
    compare(false, Set.of(addressA, addressC));

    // 4. It stops cleanly: its tombstone drops it from the relay.
    consumerC.close();
    await("the relay dropped the collector that withdrew", () -> relay.shards().equals(List.of(addressA)));
    traffic(10);
    compare(false, Set.of(addressA));
  }

  /** The relay's views equal the reference's for host pairs and nodes, and name exactly these shards, all answering. */
  private void compare(boolean windows, Set<String> expectedShards) throws InterruptedException {
    await("every batch acknowledged by the broker and applied by the reference", () -> agents.stream().allMatch(LogAgent::settled));
    for (Grouping g : List.of(Grouping.HOST_PAIRS, Grouping.NODES)) {
      WatchRequest request = WatchRequest.newBuilder().setGrouping(g).setLimit(50).build();
      ViewSnapshot[] pair = SettledViews.sameSlotOnceSettled(watch(reference.port(), request), watch(relay.port(), request),
          request, SETTLE);
      String what = g + " with shards " + expectedShards;
      RelayTest.assertSameView(pair[0], pair[1], what, windows);
      assertEquals(expectedShards, Set.copyOf(pair[1].getRelay().getShardsList().stream().map(ShardStatus::getAddress).toList()),
          what);
      assertTrue(pair[1].getRelay().getShardsList().stream().allMatch(ShardStatus::getAnswering), what + ": " + pair[1].getRelay());
      assertTrue(pair[1].getTotals().getSent().getBytes() > 0, "traffic seen");
    }
  }

  /** {@code steps} steps of every agent, 200 ms apart ({@link LogAgent#fourNodeStep}). */
  private void traffic(int steps) throws InterruptedException {
    for (int i = 0; i < steps; i++) {
      LogAgent.fourNodeStep(agents, step.incrementAndGet(), OUTSIDE);
      Thread.sleep(200);
    }
  }

  private CollectorServer collector() throws Exception {
    CollectorServer server = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, true,
            CostConfig.defaults(), null), CollectorServer::wallClockNanos).start();
    servers.add(server);
    return server;
  }

  /** A collector's consumer in the group, announcing its Watch service at 127.0.0.1 and its port. */
  private ShardConsumer consumer(CollectorServer server, String clientId) {
    ShardConsumer consumer = new ShardConsumer(new ConsumerSettings(BROKER.bootstrap(), TOPIC,
        PublisherSettings.nodeTopicOf(TOPIC), GROUP, Duration.ofSeconds(1), Map.of()), server.ingest(), server.cluster(),
        clientId, System::currentTimeMillis)
        .announcing(new ShardAnnouncer(new ShardSettings(BROKER.bootstrap(), ShardSettings.topicOf(TOPIC), GROUP, Map.of()),
            "127.0.0.1", server.port(), clientId))
        .start();
    consumers.add(consumer);
    return consumer;
  }

  /** A collector in a JVM of its own, in the group and announcing itself, for the test to kill. */
  private static Process shardProcess() throws java.io.IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), ShardProcess.class.getName(),
        BROKER.bootstrap(), TOPIC, PublisherSettings.nodeTopicOf(TOPIC), GROUP, ShardSettings.topicOf(TOPIC))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
  }

  private Watcher watch(int port, WatchRequest request) {
    Watcher w = new Watcher(port, request);
    watchers.add(w);
    return w;
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    Await.until(what, SETTLE, condition);
  }
}
