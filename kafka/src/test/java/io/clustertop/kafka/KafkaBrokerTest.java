package io.clustertop.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The test broker itself: what is written before a restart is read after it, on the same address; a port
 * taken before it binds it does not stop it; a start that fails says why.
 */
class KafkaBrokerTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  /**
   * Its ports are found free and closed before the broker binds them, so something else may take one
   * meanwhile: the broker then starts on new ones, and its log says why it did.
   */
  @Test
  void aPortTakenBeforeTheBrokerBindsItMeansNewPorts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      KafkaBroker broker = new KafkaBroker(taken.getLocalPort());
      try {
        broker.start();
        assertNotEquals("127.0.0.1:" + taken.getLocalPort(), broker.bootstrap());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrap()))) {
          assertEquals(1, admin.describeCluster().nodes().get().size());
        }
        assertTrue(Files.readString(broker.log()).contains("Address already in use"), "the first start's failure is in the log");
      } finally {
        broker.close(false);
      }
    }
  }

  /** Taken on every try, the start fails, and its exception says why (what CI's output keeps). */
  @Test
  void aStartThatFailsSaysTheBrokersError() throws Exception {
    try (ServerSocket a = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket b = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ServerSocket c = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int[] taken = {a.getLocalPort(), b.getLocalPort(), c.getLocalPort()};
      KafkaBroker broker = new KafkaBroker(IntStream.range(0, 9).map(i -> taken[i % 3]).toArray());
      try {
        IOException e = assertThrows(IOException.class, broker::start);
        assertTrue(e.getMessage().startsWith("the broker exited while starting (status 1): "), e.getMessage());
        assertTrue(e.getMessage().contains("Address already in use"), e.getMessage());
      } finally {
        broker.close(false);
      }
    }
  }

  @Test
  void recordsWrittenBeforeARestartAreReadAfterIt() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", BROKER.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic("smoke", 1, (short) 1))).all().get();
    }
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("smoke", "k", "before")).get();
    }
    BROKER.restart();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrap(),
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("smoke", "k", "after")).get();
    }
    assertEquals(List.of("before", "after"), BROKER.records("smoke").stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
  }
}
