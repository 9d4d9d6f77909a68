package io.clustertop.kafka.consume;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.protobuf.ByteString;
import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.testing.Await;
import io.clustertop.kafka.KafkaBroker;
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.LogRecord;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An agent idle on Kafka expires as a gRPC agent gone does (--agent-expiry, 10 minutes by default),
 * on the record clock: Kafka's timestamps of the records read, which this test sets by hand (no
 * waiting). Two agents, n1 alone on partition 0 and n2 on partition 1, against a real broker and a
 * collector consuming the topic:
 * <pre>
 *   t0          n1 batch 1: 1000 B to 203.0.113.7      n2 batch 1: 500 B to 203.0.113.9
 *   t0 + 9 min                                          n2 batch 2: 200 B   (n1 idle 9 min: kept)
 *   t0 + 11 min                                         n2 batch 3: 300 B   (n1 idle 11 min: dropped)
 * </pre>
 * n1's partition is read to its end, so its clock is the latest record of any partition (n2's).
 * Before: n1's and n2's rows, totals 1,700 B. After: n2's row, n1's 1,000 B in "other", totals 2,000 B
 * (its cumulative figures stay); the expiry counted once, on /metrics too.
 */
class IdleAgentExpiryTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  private static final String TOPIC = "idle";
  private static final long MINUTE = 60_000;
  private static final Duration WAIT = Duration.ofSeconds(60);

  private CollectorServer server;
  private ShardConsumer consumer;
  private KafkaProducer<byte[], byte[]> producer;

  @AfterEach
  void stop() {
    if (consumer != null) {
      consumer.close();
    }
    if (server != null) {
      server.stop();
    }
    if (producer != null) {
      producer.close();
    }
  }

  @Test
  void anAgentWithoutARecordForTheExpiryOfTheRecordClockIsDroppedItsFiguresKept() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", BROKER.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1),
          new NewTopic(PublisherSettings.nodeTopicOf(TOPIC), 1, (short) 1)
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
    }
    server = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, false,
            CostConfig.defaults(), null), CollectorServer::wallClockNanos).start();
    consumer = new ShardConsumer(new ConsumerSettings(BROKER.bootstrap(), TOPIC, PublisherSettings.nodeTopicOf(TOPIC),
        "idle", Duration.ofSeconds(60), Map.of()), server.ingest(), server.cluster(), "idle", System::currentTimeMillis)
        .start();
    Await.until("the collector owns both partitions", WAIT, () -> consumer.metrics().partitions() == 2);
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));

    AgentIdentity n1 = identity("n1", 1, "10.77.0.1");
    AgentIdentity n2 = identity("n2", 2, "10.77.0.2");
    long t0 = System.currentTimeMillis() - 20 * MINUTE;
    publish(0, t0, n1, 1, "10.77.0.1", "203.0.113.7", 1000);
    publish(1, t0, n2, 1, "10.77.0.2", "203.0.113.9", 500);
    publish(1, t0 + 9 * MINUTE, n2, 2, "10.77.0.2", "203.0.113.9", 200);
    Await.until("the record clock at t0 + 9 min", WAIT, () -> consumer.metrics().recordClockMillis() == t0 + 9 * MINUTE);
    assertEquals(0, consumer.metrics().agentsExpired());
    assertEquals(2, server.cluster().agentCount(), "n1 idle 9 min of the record clock: kept");
    assertEquals("totals 1700/0 other 0 | n1 1000 | n2 700", nodes());

    publish(1, t0 + 11 * MINUTE, n2, 3, "10.77.0.2", "203.0.113.9", 300);
    Await.until("n1 dropped", WAIT, () -> consumer.metrics().agentsExpired() == 1);
    assertEquals(1, server.cluster().agentCount(), "n1 idle 11 min of the record clock: dropped");
    assertEquals(1, server.metrics().agentsDeparted());
    Await.until("n2's last batch applied", WAIT, () -> nodes().contains("n2 1000"));
    assertEquals("totals 2000/0 other 1000 | n2 1000", nodes(), "n1's figures stay, in \"other\"");
    StringBuilder metrics = new StringBuilder();
    consumer.metrics().appendPrometheus(metrics);
    assertFalse(metrics.indexOf("clustertop_kafka_agents_expired_total 1\n") < 0, metrics.toString());
  }

  /** The rows by node, "other" and the totals, sent bytes: {@code totals SENT/RECEIVED other SENT | NODE SENT ...}. */
  private String nodes() {
    ViewSnapshot s = ShardedCollectorsTest.view(server.cluster(),
        WatchRequest.newBuilder().setGrouping(Grouping.NODES).setLimit(10).build());
    Map<String, Long> rows = new TreeMap<>();
    for (Row r : s.getRowsList()) {
      rows.put(r.getLeft().getNode(), r.getSent().getBytes());
    }
    StringBuilder out = new StringBuilder().append("totals ").append(s.getTotals().getSent().getBytes()).append('/')
        .append(s.getTotals().getReceived().getBytes()).append(" other ").append(s.getOther().getSent().getBytes());
    rows.forEach((node, sent) -> out.append(" | ").append(node).append(' ').append(sent));
    return out.toString();
  }

  private static AgentIdentity identity(String node, int id, String address) {
    byte[] agentId = new byte[16];
    agentId[15] = (byte) id;
    return AgentIdentity.newBuilder().setNode(node).setAgentId(ByteString.copyFrom(agentId))
        .setEpoch(System.currentTimeMillis()).addAddresses(LogAgent.ip(address)).setSource("test").build();
  }

  /** One batch of one flow ({@code bytes} sent in one packet), ending now, on {@code partition} with Kafka timestamp {@code timestamp}. */
  private void publish(int partition, long timestamp, AgentIdentity who, long sequence, String local, String remote,
      long bytes) throws Exception {
    long end = CollectorServer.wallClockNanos();
    VolumePair volume = VolumePair.newBuilder().setSent(Volume.newBuilder().setBytes(bytes).setPackets(1))
        .setReceived(Volume.getDefaultInstance()).build();
    DeltaBatch batch = DeltaBatch.newBuilder().setSequence(sequence).setStartUnixNanos(end - 1_000_000_000L)
        .setEndUnixNanos(end).addFlows(FlowDelta.newBuilder().setKey(FlowKey.newBuilder()
            .setLocalAddress(LogAgent.ip(local)).setRemoteAddress(LogAgent.ip(remote)).setLocalPort(40000)
            .setRemotePort(443).setProtocol(6)).setVolume(volume))
        .setTotal(volume).build();
    producer.send(new ProducerRecord<>(TOPIC, partition, timestamp, who.getAgentId().toByteArray(),
        LogRecord.newBuilder().setIdentity(who).setBatch(batch).build().toByteArray())).get();
  }
}
