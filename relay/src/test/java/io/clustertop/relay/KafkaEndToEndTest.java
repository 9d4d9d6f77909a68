package io.clustertop.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.stream.GrpcThreads;
import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.testing.Await;
import io.clustertop.kafka.KafkaBroker;
import io.clustertop.kafka.consume.ConsumerSettings;
import io.clustertop.kafka.consume.LogAgent;
import io.clustertop.kafka.consume.ShardConsumer;
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.kafka.publish.TopicLayout;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ShardStatus;
import io.clustertop.proto.v1.SortOrder;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14 end to end: a real broker (KRaft, its own JVM), two collectors sharing the agents' topic
 * in one consumer group, a relay over the two, and four agents publishing through the real Kafka
 * publisher while the same batches stream over gRPC to a single reference collector. Once the agents
 * stop and both sides have applied everything, the relay's views equal the reference's exactly: rows
 * (in order), "other", totals, conversations, nodes, for host pairs, nodes, remote addresses, ports
 * and destination classes, and cut to fewer rows than there are. Two tests, the same comparison:
 *
 * <ul>
 *   <li>{@link #fourAgentsReplayingRecordedCapturesThroughTwoKafkaShardsShowWhatOneCollectorShows}:
 *       the agents replay four captures recorded together in network namespaces
 *       ({@code test/captures/record-demo.sh}, 12 s, in {@code resources/shards}) through the agent's
 *       own pipeline ({@link CaptureAgent}: file, decoder, conversation table, batches and full states,
 *       {@code KafkaPublisher}), so what the shards and the relay merge is what real agents send:
 *       TCP with GSO super-packets, UDP over IPv4 and IPv6, ICMP, the full states an agent's table makes.
 *       web and db land on one shard, worker and batch on the other: worker's HTTP to web and its DNS
 *       (IPv4 and IPv6) and bulk writes to db, batch's bulk writes to db cross the shards; all four talk
 *       to the internet host 203.0.113.1 (web and db most). The host pairs are held to tshark's count of the
 *       captures too ({@code NODE.expected}).
 *   <li>{@link #theRelayOverTwoKafkaShardsShowsWhatOneCollectorShows}: generated batches
 *       ({@code LogAgent}), which cover what the captures do not: every pair of nodes talking both
 *       ways (six pairs, four across the shards) and two nodes on each shard with an internet host
 *       of their own, with figures chosen so that every cut view has an "other".
 * </ul>
 *
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
  private final List<CaptureAgent> replays = new ArrayList<>();
  private final List<CollectorServer> servers = new ArrayList<>();
  private final List<ShardConsumer> consumers = new ArrayList<>();
  private final List<Watcher> watchers = new ArrayList<>();
  private final GrpcThreads threads = new GrpcThreads();
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
    replays.forEach(CaptureAgent::close);
    consumers.forEach(ShardConsumer::close);
    servers.forEach(CollectorServer::stop);
    if (channel != null) {
      channel.shutdownNow();
    }
    threads.close();
  }

  @Test
  void fourAgentsReplayingRecordedCapturesThroughTwoKafkaShardsShowWhatOneCollectorShows() throws Exception {
    reference = collector();
    PublisherSettings settings = settings("replayed");
    List<CaptureAgent.Node> nodes = CaptureAgent.Node.manifest(resource("/shards"));
    assertEquals(List.of("web", "db", "worker", "batch"), nodes.stream().map(CaptureAgent.Node::name).toList());
    for (int i = 0; i < nodes.size(); i++) { // each agent on a partition of its own, in the manifest's order
      replays.add(new CaptureAgent(nodes.get(i), LogAgent.idOnPartition(i, PARTITIONS), settings, reference.port(),
          threads, 1));
    }
    CollectorServer a = collector();
    CollectorServer b = collector();
    twoShards(settings, "replayed-shards", a, b);

    replays.forEach(CaptureAgent::start);
    await("every capture replayed, every batch acknowledged by the broker and the reference",
        () -> replays.stream().allMatch(CaptureAgent::settled));
    for (CaptureAgent r : replays) {
      assertTrue(r.fullStatesPublished() >= 4, r.node.name() + ": full states every 2 s of a 12 s capture, "
          + r.fullStatesPublished());
    }

    Set<String> onA = nodesOf(a);
    Set<String> onB = nodesOf(b);
    // the range assignor: partitions 0 and 1 to one, 2 and 3 to the other
    assertTrue(Set.of(Set.of("web", "db"), Set.of("worker", "batch")).contains(onA), "the shards' nodes: " + onA + ", " + onB);
    assertEquals(2, onB.size(), "the second shard's nodes: " + onB);
    startRelay(a, b);

    Set<Set<IpAddress>> talking = hostPairs(resource("/shards"), nodes);
    for (WatchRequest request : views()) {
      ViewSnapshot merged = sameViewAsTheReference(request, List.of(onA, onB));
      if (request.getGrouping() == Grouping.HOST_PAIRS && request.getLimit() == 50) {
        assertEquals(talking, merged.getRowsList().stream()
            .map(r -> Set.of(FlowWire.toAddress(r.getLeft().getAddress()), FlowWire.toAddress(r.getRight().getAddress())))
            .collect(Collectors.toSet()), "the host pairs tshark counts in the captures");
        assertEquals(talking.size(), merged.getRowsCount());
        long crossing = merged.getRowsList().stream()
            .filter(r -> r.getNodesCount() == 2 && onA.contains(r.getNodes(0)) != onA.contains(r.getNodes(1))).count();
        assertEquals(4, crossing, "worker-web, worker-db over IPv4 and IPv6, batch-db: " + merged.getRowsList());
      }
    }
  }

  @Test
  void theRelayOverTwoKafkaShardsShowsWhatOneCollectorShows() throws Exception {
    reference = collector();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", reference.port()).usePlaintext().build();
    PublisherSettings settings = settings("agents");
    for (int i = 1; i <= 4; i++) { // each agent on a partition of its own
      agents.add(new LogAgent(settings, 600, "n" + i, LogAgent.idOnPartition(i - 1, PARTITIONS), "10.77.0." + i, channel));
    }
    CollectorServer a = collector();
    CollectorServer b = collector();
    twoShards(settings, "shards", a, b);

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
    startRelay(a, b);

    for (WatchRequest request : views()) {
      ViewSnapshot merged = sameViewAsTheReference(request, List.of(onA, onB));
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

  private static PublisherSettings settings(String topic) {
    return new PublisherSettings(BROKER.bootstrap(), topic, PublisherSettings.nodeTopicOf(topic), Duration.ofSeconds(2),
        new TopicLayout(PARTITIONS, Optional.empty(), Duration.ofHours(1), TopicLayout.DEFAULT_MAX_MESSAGE_BYTES), Map.of());
  }

  /** {@code a} and {@code b} consuming {@code settings}' topic in {@code group}, once they hold two partitions each. */
  private void twoShards(PublisherSettings settings, String group, CollectorServer a, CollectorServer b)
      throws InterruptedException {
    ShardConsumer ca = consumer(settings, group, a, group + "-a");
    ShardConsumer cb = consumer(settings, group, b, group + "-b");
    await("the partitions shared, two each", () -> ca.metrics().partitions() == 2 && cb.metrics().partitions() == 2);
  }

  private void startRelay(CollectorServer a, CollectorServer b) throws Exception {
    relay = new RelayServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new RelayOptions(List.of(Shards.address(a), Shards.address(b)), 4, RelayOptions.DEFAULT_LATE_NANOS),
        InsecureChannelCredentials.create()).start();
  }

  /**
   * The relay's view of {@code request} once it equals the reference's (RelayTest's comparison), both
   * shards ({@code shards}: each one's nodes) answering, none cutting rows.
   */
  private ViewSnapshot sameViewAsTheReference(WatchRequest request, List<Set<String>> shards) throws InterruptedException {
    ViewSnapshot merged = sameSlotOnceSettled(request, shards);
    assertTrue(merged.getRelay().getExact(), "no shard cut: exact, " + request);
    assertEquals(List.of(true, true), merged.getRelay().getShardsList().stream().map(ShardStatus::getAnswering).toList());
    assertEquals(List.of("", ""), merged.getRelay().getShardsList().stream().map(ShardStatus::getProblem).toList(),
        "neither shard late");
    assertTrue(merged.getTotals().getSent().getBytes() > 0, "traffic seen");
    return merged;
  }

  /**
   * The unordered address pairs of every IP packet in the captures, as tshark counts them
   * ({@code NODE.expected}, test/captures/reference.sh): the host pairs a collector shows.
   */
  private static Set<Set<IpAddress>> hostPairs(Path directory, List<CaptureAgent.Node> nodes) throws IOException {
    Set<Set<IpAddress>> pairs = new HashSet<>();
    for (CaptureAgent.Node node : nodes) {
      for (String line : Files.readAllLines(directory.resolve(node.name() + ".expected"))) {
        String[] f = line.split(" ");
        if (!line.startsWith("#") && f.length == 7) {
          pairs.add(Set.of(IpAddress.parse(f[0]), IpAddress.parse(f[1])));
        }
      }
    }
    return pairs;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(KafkaEndToEndTest.class.getResource(name).toURI());
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
   * {@code shards}: each shard's nodes (the peak of a row within one is exact, of a row across them a lower bound).
   */
  private ViewSnapshot sameSlotOnceSettled(WatchRequest request, List<Set<String>> shards) throws InterruptedException {
    ViewSnapshot[] pair = SettledViews.sameSlotOnceSettled(watch(reference.port(), request), watch(relay.port(), request),
        request, SETTLE, SettledViews::whole);
    RelayTest.assertSameView(pair[0], pair[1], request.toString().replace('\n', ' '), true, shards);
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

  private ShardConsumer consumer(PublisherSettings settings, String group, CollectorServer server, String clientId) {
    ShardConsumer consumer = new ShardConsumer(new ConsumerSettings(BROKER.bootstrap(), settings.topic(), settings.nodeTopic(),
        group, Duration.ofSeconds(1), Map.of()), server.ingest(), server.cluster(), clientId, System::currentTimeMillis)
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
