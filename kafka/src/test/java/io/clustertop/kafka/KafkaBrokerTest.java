package io.clustertop.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The test broker itself: what is written before a restart is read after it, on the same address. */
class KafkaBrokerTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

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
