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
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.kafka.publish.TopicLayout;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ShardStatus;
import io.clustertop.proto.v1.SortOrder;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 end to end: a real broker (KRaft, its own JVM), two collectors sharing the agents' topic
 * in one consumer group, a relay over the two, and four agents publishing through the real Kafka
 * publisher while the same batches stream over gRPC to a single reference collector. Once the agents
 * stop and both sides have applied everything, the relay's views equal the reference's exactly: rows
 * (in order), "other", totals, conversations, nodes, for host pairs, nodes, remote addresses, ports
 * and destination classes. Every node talks to every other, so whichever two partitions each shard
 * is given, traffic crosses shards (counted once, by its sender, through the node records every
 * shard reads); two nodes on each shard talk to internet hosts.
 *
 * <pre>
 *   n1 10.77.0.1, n2 10.77.0.2, n3 10.77.0.3, n4 10.77.0.4: each pair both ways
 *   n1, n3 <-> 203.0.113.7      n2, n4 <-> 203.0.113.9
 * </pre>
 * The rates and peaks are compared too, as RelayTest does (a peak of a row that spans the shards is a
 * lower bound): the collectors file a batch in the slot of its end whenever it comes, and the
 * agents' periodic full states, which a shard applies as replacing what it knew, carry their last
 * 40 s of slots.
 */
class KafkaEndToEndTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  private static final int PARTITIONS = 4;
  private static final String OUTSIDE_7 = "203.0.113.7";
  private static final String OUTSIDE_9 = "203.0.113.9";
  private static final int STEPS = 40; // 200 ms apart: 8 s of traffic
  private static final Duration SETTLE = Duration.ofSeconds(60);

  private final List<LogAgent> agents = new ArrayList<>();
  private final List<CollectorServer> servers = new ArrayList<>();
  private final List<ShardConsumer> consumers = new ArrayList<>();
  private final List<Watcher> watchers = new ArrayList<>();
  private ManagedChannel channel;
  private RelayServer relay;
  private CollectorServer reference;

  @AfterEach
  void stop() {
    watchers.forEach(Watcher::close);
    if (relay != null) {
      relay.stop();
    }
    agents.forEach(LogAgent::close);
    consumers.forEach(ShardConsumer::close);
    servers.forEach(CollectorServer::stop);
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  @Test
  void theRelayOverTwoKafkaShardsShowsWhatOneCollectorShows() throws Exception {
    reference = collector();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", reference.port()).usePlaintext().build();
    PublisherSettings settings = new PublisherSettings(BROKER.bootstrap(), "agents", PublisherSettings.nodeTopicOf("agents"),
        Duration.ofSeconds(2), new TopicLayout(PARTITIONS, Optional.empty(), Duration.ofHours(1),
        TopicLayout.DEFAULT_MAX_MESSAGE_BYTES), Map.of());
    for (int i = 1; i <= 4; i++) { // each agent on a partition of its own
      agents.add(new LogAgent(settings, 600, "n" + i, LogAgent.idOnPartition(i - 1, PARTITIONS), "10.77.0." + i, channel));
    }
    CollectorServer a = collector();
    CollectorServer b = collector();
    ShardConsumer ca = consumer(settings, a, "shard-a");
    ShardConsumer cb = consumer(settings, b, "shard-b");
    await("the partitions shared, two each", () -> ca.metrics().partitions() == 2 && cb.metrics().partitions() == 2);

    for (int k = 1; k <= STEPS; k++) {
      step(k);
      Thread.sleep(200);
    }
    await("every batch acknowledged by the broker and applied by the reference", () -> agents.stream().allMatch(LogAgent::settled));

    Set<String> onA = nodesOf(a);
    Set<String> onB = nodesOf(b);
    assertEquals(2, onA.size(), "the first shard's nodes: " + onA);
    assertEquals(2, onB.size(), "the second shard's nodes: " + onB);
    // the range assignor: partitions 0 and 1 to one, 2 and 3 to the other (RelayTest's rows of one shard)
    assertTrue(Set.of(Set.of("n1", "n2"), Set.of("n3", "n4")).contains(onA), "the shards' nodes: " + onA + ", " + onB);

    relay = new RelayServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new RelayOptions(List.of(Shards.address(a), Shards.address(b)), 4, RelayOptions.DEFAULT_LATE_NANOS),
        InsecureChannelCredentials.create()).start();

    for (WatchRequest request : views()) {
      ViewSnapshot merged = sameSlotOnceSettled(request);
      assertTrue(merged.getRelay().getExact(), "no shard cut: exact, " + request);
      assertEquals(List.of(true, true), merged.getRelay().getShardsList().stream().map(ShardStatus::getAnswering).toList());
      assertTrue(merged.getTotals().getSent().getBytes() > 0, "traffic seen");
      if (request.getGrouping() == Grouping.HOST_PAIRS && request.getLimit() == 50) {
        long crossing = merged.getRowsList().stream()
            .filter(r -> r.getNodesCount() == 2 && onA.contains(r.getNodes(0)) != onA.contains(r.getNodes(1))).count();
        assertEquals(4, crossing, "the host pairs of nodes on different shards: " + merged.getRowsList());
        assertEquals(10, merged.getRowsCount(), "six pairs of nodes, four with an internet host");
      }
      if (request.getLimit() < 50) {
        assertTrue(merged.hasOther() && merged.getOther().getSent().getBytes() > 0, "an \"other\" row: " + request);
      }
    }
  }

  private static List<WatchRequest> views() {
    List<WatchRequest> out = new ArrayList<>();
    for (Grouping g : List.of(Grouping.HOST_PAIRS, Grouping.NODES, Grouping.REMOTE_ADDRESSES, Grouping.PORTS,
        Grouping.DESTINATION_CLASSES)) {
      out.add(WatchRequest.newBuilder().setGrouping(g).setLimit(50).build());
    }
    // Fewer rows than there are: the rest in "other" (K = 4 N still holds every shard's rows: exact),
    // the top by rate and by address
    out.add(WatchRequest.newBuilder().setGrouping(Grouping.HOST_PAIRS).setLimit(3).build());
    out.add(WatchRequest.newBuilder().setGrouping(Grouping.HOST_PAIRS).setLimit(3).setSort(SortOrder.SOURCE).build());
    out.add(WatchRequest.newBuilder().setGrouping(Grouping.REMOTE_ADDRESSES).setLimit(2).setSort(SortOrder.DESTINATION)
        .build());
    return out;
  }

  /**
   * The relay's and the reference's views of one slot, waited for until their figures agree (the
   * shards may still be applying); at the deadline the last pair is compared, and the difference fails.
   */
  private ViewSnapshot sameSlotOnceSettled(WatchRequest request) throws InterruptedException {
    ViewSnapshot[] pair = SettledViews.sameSlotOnceSettled(watch(reference.port(), request), watch(relay.port(), request),
        request, SETTLE);
    RelayTest.assertSameView(pair[0], pair[1], request.toString().replace('\n', ' '));
    return pair[1];
  }

  /** Second {@code k} of every agent, each reporting its own side of its conversations. */
  private void step(long k) {
    LogAgent n1 = agents.get(0);
    LogAgent n2 = agents.get(1);
    LogAgent n3 = agents.get(2);
    LogAgent n4 = agents.get(3);
    n1.send(n1.flow(n3.address, 1000 + k, 300), n1.flow(n4.address, 700, 90 + k), n1.flow(n2.address, 10, 20),
        n1.flow(OUTSIDE_7, 50, 70 + k));
    n2.send(n2.flow(n4.address, 500, 400 + k), n2.flow(n3.address, 60 + k, 800), n2.flow(n1.address, 20, 10),
        n2.flow(OUTSIDE_9, 20, 0));
    n3.send(n3.flow(n1.address, 300, 1000 + k), n3.flow(n2.address, 800, 60 + k), n3.flow(n4.address, 200, 100),
        n3.flow(OUTSIDE_7, 1200 + k, 30));
    n4.send(n4.flow(n2.address, 400 + k, 500), n4.flow(n1.address, 90 + k, 700), n4.flow(n3.address, 100, 200),
        n4.flow(OUTSIDE_9, 5, 9000 + k));
  }

  /**
   * A collector publishing every slot, as one started by the command does: a watcher's views follow
   * the slots, so the reference's and the relay's meet in one even when a slot ends between their
   * subscriptions.
   */
  private CollectorServer collector() throws Exception {
    CollectorServer server = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, true,
            CostConfig.defaults(), null), CollectorServer::wallClockNanos).start();
    servers.add(server);
    return server;
  }

  private ShardConsumer consumer(PublisherSettings settings, CollectorServer server, String clientId) {
    ShardConsumer consumer = new ShardConsumer(new ConsumerSettings(BROKER.bootstrap(), settings.topic(), settings.nodeTopic(),
        "shards", Duration.ofSeconds(1), Map.of()), server.ingest(), server.cluster(), clientId, System::currentTimeMillis)
        .start();
    consumers.add(consumer);
    return consumer;
  }

  private static Set<String> nodesOf(CollectorServer server) {
    return server.cluster().read(c -> {
      Set<String> nodes = new HashSet<>();
      c.forEachAgent(x -> nodes.add(x.node()));
      return nodes;
    });
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
