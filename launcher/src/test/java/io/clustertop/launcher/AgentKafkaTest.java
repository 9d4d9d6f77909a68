package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.agent.stream.AgentId;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.agent.stream.BatchProducer;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kafka.KafkaBroker;
import io.clustertop.kafka.publish.KafkaPublisher;
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.kafka.publish.TopicLayout;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.LogRecord;
import io.clustertop.proto.v1.NodeRecord;
import io.clustertop.proto.v1.VolumePair;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code clustertop agent --kafka} against a real broker (one per class, {@link KafkaBroker}):
 * the demo's captures replayed, every record read back by a plain consumer, the batches' sums held
 * to tshark's count of the capture ({@code demo/*.expected}, read as {@link DemoClusterTest} reads it), the full states to the batches before
 * them; and the broker stopped for 30 s under two running agents, one whose buffer holds the
 * outage and one whose buffer overflows into a gap.
 */
class AgentKafkaTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  private static String demoCapture(String node) throws URISyntaxException {
    return Path.of(AgentKafkaTest.class.getResource("/demo/" + node + ".pcap").toURI()).toString();
  }

  /** Packets and bytes, both directions. */
  private static long[] sum(VolumePair v) {
    return new long[] {v.getSent().getPackets() + v.getReceived().getPackets(), v.getSent().getBytes() + v.getReceived().getBytes()};
  }

  private static long[] add(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1]};
  }

  /** One agent's records in a topic, in partition order, and the partitions they were in. */
  private record AgentLog(List<LogRecord> records, Set<Integer> partitions) {
    List<DeltaBatch> batches() {
      return records.stream().filter(LogRecord::hasBatch).map(LogRecord::getBatch).toList();
    }
  }

  private static Map<String, AgentLog> byNode(String topic) throws IOException {
    Map<String, List<LogRecord>> records = new TreeMap<>();
    Map<String, Set<Integer>> partitions = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : BROKER.records(topic)) {
      LogRecord record = LogRecord.parseFrom(r.value());
      String node = record.getIdentity().getNode();
      assertEquals(record.getIdentity().getAgentId(), com.google.protobuf.ByteString.copyFrom(r.key()), "keyed by agent id");
      records.computeIfAbsent(node, n -> new ArrayList<>()).add(record);
      partitions.computeIfAbsent(node, n -> new TreeSet<>()).add(r.partition());
    }
    Map<String, AgentLog> out = new TreeMap<>();
    records.forEach((node, list) -> out.put(node, new AgentLog(list, partitions.get(node))));
    return out;
  }

  /**
   * The batches run 1, 2, 3, ... each once (none in {@code lost}, the sequences covered by a gap and
   * never delivered), and each full state follows its batch (or the gap that covered it) and holds
   * exactly the traffic of every batch up to it, {@code reference} giving each sequence's.
   */
  private static void assertWholeAndInOrder(AgentLog log, Map<Long, long[]> reference, Set<Long> lost) {
    long expectedNext = 1;
    long[] cumulative = {0, 0};
    AgentIdentity identity = log.records().get(0).getIdentity();
    for (LogRecord r : log.records()) {
      assertEquals(identity, r.getIdentity(), "one identity for the whole epoch");
      if (r.hasBatch()) {
        DeltaBatch b = r.getBatch();
        while (lost.contains(expectedNext)) {
          cumulative = add(cumulative, reference.get(expectedNext++));
        }
        assertEquals(expectedNext++, b.getSequence(), "batches in sequence, each once");
        cumulative = add(cumulative, sum(b.getTotal()));
      } else {
        FullState state = r.getFullState();
        while (expectedNext <= state.getSequence() && lost.contains(expectedNext)) {
          cumulative = add(cumulative, reference.get(expectedNext++));
        }
        assertEquals(expectedNext - 1, state.getSequence(), "a full state right after its batch (or the gap that took it)");
        assertEquals(List.of(cumulative[0], cumulative[1]), List.of(sum(state.getTotal())[0], sum(state.getTotal())[1]),
            "the full state after batch " + state.getSequence() + " holds every batch up to it");
      }
    }
  }

  @Test
  void aReplayIsPublishedWholeKeyedByAgentWithItsNodeRecordAndPeriodicFullStates() throws Exception {
    int status = Main.run("agent", "--kafka", BROKER.bootstrap(), "--topic", "replay", "-r", demoCapture("web"),
        "--speed", "0", "--node", "web", "--address", "10.77.0.1", "--address", "fd77::1", "--zone", "z1",
        "--region", "r1", "--full-state-seconds", "10", "--topic-partitions", "3");
    assertEquals(0, status);

    AgentLog log = byNode("replay").get("web");
    assertEquals(1, log.partitions().size(), "one agent, one partition");
    List<DeltaBatch> batches = log.batches();
    long[] total = {0, 0};
    Map<Long, long[]> perBatch = new TreeMap<>();
    for (DeltaBatch b : batches) {
      total = add(total, sum(b.getTotal()));
      perBatch.put(b.getSequence(), sum(b.getTotal()));
      assertFalse(b.hasGap());
    }
    long[] expected = DemoClusterTest.fileTotals("web");
    assertEquals(List.of(expected[0], expected[1]), List.of(total[0], total[1]), "packets, bytes: tshark's count of web.pcap");
    assertWholeAndInOrder(log, perBatch, Set.of());

    // Unpaced, the replay outruns the broker: a full state not yet sent gives way to the next,
    // and the last one due is always published.
    List<Long> fullStatesAfter = log.records().stream().filter(LogRecord::hasFullState)
        .map(r -> r.getFullState().getSequence()).toList();
    List<Long> due = due(batches, Duration.ofSeconds(10));
    assertTrue(due.containsAll(fullStatesAfter), fullStatesAfter + " due after " + due);
    assertEquals(due.get(due.size() - 1), fullStatesAfter.get(fullStatesAfter.size() - 1));

    AgentIdentity identity = log.records().get(0).getIdentity();
    assertEquals("z1", identity.getZone());
    assertEquals(List.of(FlowWire.toBytes(IpAddress.parse("10.77.0.1")), FlowWire.toBytes(IpAddress.parse("fd77::1"))),
        identity.getAddressesList());
    List<ConsumerRecord<byte[], byte[]>> nodes = BROKER.records("replay-nodes");
    assertEquals(1, nodes.size());
    assertEquals("web", new String(nodes.get(0).key(), StandardCharsets.UTF_8));
    NodeRecord node = NodeRecord.parseFrom(nodes.get(0).value());
    assertEquals(NodeRecord.newBuilder().setIdentity(identity).setTopic("replay").setFullStatePeriodSeconds(10).build(), node);

    try (Admin admin = Admin.create(Map.of("bootstrap.servers", BROKER.bootstrap()))) {
      TopicDescription topic = admin.describeTopics(List.of("replay")).allTopicNames().get().get("replay");
      assertEquals(3, topic.partitions().size());
      ConfigResource agents = new ConfigResource(ConfigResource.Type.TOPIC, "replay");
      ConfigResource compacted = new ConfigResource(ConfigResource.Type.TOPIC, "replay-nodes");
      Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(agents, compacted)).all().get();
      assertEquals("delete", configs.get(agents).get("cleanup.policy").value());
      assertEquals(Long.toString(Duration.ofHours(1).toMillis()), configs.get(agents).get("retention.ms").value());
      assertEquals("compact", configs.get(compacted).get("cleanup.policy").value());
    }
  }

  /** The batches after which a full state is due: every {@code period} of their time, from the first one's start. */
  private static List<Long> due(List<DeltaBatch> batches, Duration period) {
    List<Long> due = new ArrayList<>();
    long dueAt = batches.get(0).getStartUnixNanos() + period.toNanos();
    for (DeltaBatch b : batches) {
      if (b.getEndUnixNanos() >= dueAt) {
        due.add(b.getSequence());
        while (dueAt <= b.getEndUnixNanos()) {
          dueAt += period.toNanos();
        }
      }
    }
    long span = batches.get(batches.size() - 1).getEndUnixNanos() - batches.get(0).getStartUnixNanos();
    assertEquals(span / period.toNanos(), due.size(), "one per period");
    return due;
  }

  @Test
  void aBrokerThatKeepsUpGetsAFullStateEveryPeriodRightAfterItsBatch() throws Exception {
    List<IpAddress> addresses = List.of(IpAddress.parse("10.77.0.2"), IpAddress.parse("fd77::2"));
    AgentIdentity.Builder identity = AgentIdentity.newBuilder().setNode("db").setAgentId(AgentId.random()).setEpoch(1);
    addresses.forEach(a -> identity.addAddresses(FlowWire.toBytes(a)));
    PublisherSettings settings = new PublisherSettings(BROKER.bootstrap(), "paced", "paced-nodes", Duration.ofSeconds(10),
        TopicLayout.defaults(), Map.of());
    try (KafkaPublisher publisher = KafkaPublisher.create(settings, identity.build(), new BatchBuffer(600));
        CaptureFile file = CaptureFile.open(Path.of(demoCapture("db")))) {
      BatchProducer producer = new BatchProducer(publisher, AgentCommand.DEFAULT_MAX_FLOWS_PER_BATCH);
      MonitorOptions options = new MonitorOptions(null, null, false, MonitorOptions.DEFAULT_MAX_FLOWS_PER_INTERVAL,
          MonitorOptions.DEFAULT_MAX_CONVERSATIONS).withLocalAddresses(addresses);
      publisher.start();
      // Each interval waits for the broker before the next: nothing is ever superseded.
      new Monitor(file, options, (flows, counters, end, table) -> {
        producer.interval(flows, counters, end, table);
        try {
          assertTrue(producer.awaitAcknowledged(Duration.ofSeconds(30)));
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
      }).run(view -> {});
      assertEquals(due(byNode("paced").get("db").batches(), Duration.ofSeconds(10)).size(), publisher.fullStatesPublished());
    }
    AgentLog log = byNode("paced").get("db");
    List<Long> fullStatesAfter = log.records().stream().filter(LogRecord::hasFullState)
        .map(r -> r.getFullState().getSequence()).toList();
    assertEquals(due(log.batches(), Duration.ofSeconds(10)), fullStatesAfter);
    Map<Long, long[]> perBatch = new TreeMap<>();
    long[] total = {0, 0};
    for (DeltaBatch b : log.batches()) {
      perBatch.put(b.getSequence(), sum(b.getTotal()));
      total = add(total, sum(b.getTotal()));
    }
    assertWholeAndInOrder(log, perBatch, Set.of());
    long[] expected = DemoClusterTest.fileTotals("db");
    assertEquals(List.of(expected[0], expected[1]), List.of(total[0], total[1]), "packets, bytes: tshark's count of db.pcap");
  }

  @Test
  void theBrokerStoppedForThirtySecondsLosesNothingOrAnExactGapAndWritesNoBatchTwice() throws Exception {
    // Both agents replay web.pcap (60 s) at 1.2 times its pace: 50 s, the outage in the middle.
    AtomicInteger[] statuses = {new AtomicInteger(-1), new AtomicInteger(-1)};
    String[][] commands = {
        {"agent", "--kafka", BROKER.bootstrap(), "--topic", "outage", "-r", demoCapture("web"), "--speed", "1.2",
            "--node", "keeps", "--address", "10.77.0.1", "--address", "fd77::1", "--full-state-seconds", "10"},
        {"agent", "--kafka", BROKER.bootstrap(), "--topic", "outage", "-r", demoCapture("web"), "--speed", "1.2",
            "--node", "drops", "--address", "10.77.0.1", "--address", "fd77::1", "--full-state-seconds", "10",
            "--buffer-seconds", "5"}};
    List<Thread> agents = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int agent = i;
      agents.add(Thread.ofPlatform().name("agent-" + i).start(() -> statuses[agent].set(Main.run(commands[agent]))));
    }
    awaitBatches("outage", Set.of("keeps", "drops"), 3);
    BROKER.stop();
    Thread.sleep(TimeUnit.SECONDS.toMillis(30)); // the outage itself, not a wait for something
    BROKER.start();
    for (Thread t : agents) {
      t.join(TimeUnit.MINUTES.toMillis(3));
      assertFalse(t.isAlive(), t.getName() + " exits once every batch is acknowledged");
    }
    assertEquals(0, statuses[0].get());
    assertEquals(0, statuses[1].get());

    Map<String, AgentLog> logs = byNode("outage");
    long[] expected = DemoClusterTest.fileTotals("web");

    // The agent whose buffer held the outage: every batch, once, in order.
    AgentLog keeps = logs.get("keeps");
    Map<Long, long[]> perBatch = new TreeMap<>();
    long[] total = {0, 0};
    for (DeltaBatch b : keeps.batches()) {
      assertFalse(b.hasGap());
      perBatch.put(b.getSequence(), sum(b.getTotal()));
      total = add(total, sum(b.getTotal()));
    }
    assertEquals(List.of(expected[0], expected[1]), List.of(total[0], total[1]), "nothing lost");
    assertWholeAndInOrder(keeps, perBatch, Set.of());
    assertTrue(keeps.records().stream().anyMatch(LogRecord::hasFullState));

    // The agent whose buffer overflowed: a gap covers what is missing, and only that. The two
    // replayed the same file, so a sequence holds the same traffic in both: the first agent's
    // batches say what the gap lost.
    AgentLog drops = logs.get("drops");
    Set<Long> delivered = new HashSet<>();
    Set<Long> gapped = new TreeSet<>();
    long[] deliveredTotal = {0, 0};
    for (DeltaBatch b : drops.batches()) {
      assertTrue(delivered.add(b.getSequence()), "batch " + b.getSequence() + " written once");
      deliveredTotal = add(deliveredTotal, sum(b.getTotal()));
      if (b.hasGap()) {
        Gap g = b.getGap();
        for (long s = g.getFirstSequence(); s <= g.getLastSequence(); s++) {
          gapped.add(s);
        }
      }
    }
    assertFalse(gapped.isEmpty(), "a buffer of 5 s overflows in a 30 s outage");
    Set<Long> lost = new TreeSet<>(gapped);
    lost.removeAll(delivered);
    Set<Long> all = new TreeSet<>(delivered);
    all.addAll(gapped);
    assertEquals(perBatch.keySet(), all, "every sequence delivered or in a gap");
    long[] lostTotal = {0, 0};
    for (long s : lost) {
      lostTotal = add(lostTotal, perBatch.get(s));
    }
    assertEquals(List.of(expected[0], expected[1]),
        List.of(deliveredTotal[0] + lostTotal[0], deliveredTotal[1] + lostTotal[1]),
        "what was delivered and what the gap says was lost add up to the capture");
    assertWholeAndInOrder(drops, perBatch, lost);
  }

  /** Waits until every one of {@code nodes} has {@code count} batches in the topic. */
  private static void awaitBatches(String topic, Set<String> nodes, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        Map<String, AgentLog> logs = byNode(topic);
        if (nodes.stream().allMatch(n -> logs.containsKey(n) && logs.get(n).batches().size() >= count)) {
          return;
        }
      } catch (RuntimeException e) {
        // the topic is not there yet
      }
      Thread.sleep(200);
    }
    throw new AssertionError(nodes + " did not publish " + count + " batches to " + topic);
  }
}
