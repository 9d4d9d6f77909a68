package io.clustertop.benchmarks;

import com.google.protobuf.CodedOutputStream;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.LogRecord;
import io.clustertop.proto.v1.NodeRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * {@link IngestLoad}'s agents publishing to Kafka, as {@code clustertop agent --kafka} does: each
 * batch a {@code LogRecord} (the agent's identity, encoded once, in front of the batch's bytes),
 * keyed by agent id; each agent's {@code NodeRecord} first, on the node topic. One producer for all
 * agents (a load generator, not the agent's one-record-in-flight publisher), {@code acks=1}.
 */
final class KafkaOutlet {
  private KafkaOutlet() {}

  /** {@code prefix}, then {@code body} as length-delimited field {@code number}. */
  static byte[] field(byte[] prefix, int number, byte[] body) {
    int tag = CodedOutputStream.computeTagSize(number) + CodedOutputStream.computeUInt32SizeNoTag(body.length);
    byte[] out = new byte[prefix.length + tag + body.length];
    try {
      CodedOutputStream o = CodedOutputStream.newInstance(out);
      o.writeRawBytes(prefix);
      o.writeTag(number, com.google.protobuf.WireFormat.WIRETYPE_LENGTH_DELIMITED);
      o.writeUInt32NoTag(body.length);
      o.writeRawBytes(body);
      o.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** The topics of {@code bootstrapAndTopic} ("host:port/topic"), made when missing. */
  static Topics topics(String bootstrapAndTopic, int partitions, AtomicLong acked) throws Exception {
    int slash = bootstrapAndTopic.lastIndexOf('/');
    String bootstrap = bootstrapAndTopic.substring(0, slash);
    String topic = bootstrapAndTopic.substring(slash + 1);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      for (NewTopic t : List.of(new NewTopic(topic, partitions, (short) 1),
          new NewTopic(topic + "-nodes", 1, (short) 1).configs(Map.of("cleanup.policy", "compact")))) {
        try {
          admin.createTopics(List.of(t)).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
    }
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "1",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
        new ByteArraySerializer(), new ByteArraySerializer());
    return new Topics(producer, topic, acked);
  }

  /** The agents' topic and its node topic, through one producer. */
  record Topics(KafkaProducer<byte[], byte[]> producer, String topic, AtomicLong acked) {
    /** An agent: its node record now, and where its batches go. */
    Consumer<byte[]> agent(AgentIdentity identity) {
      producer.send(new ProducerRecord<>(topic + "-nodes", identity.getNode().getBytes(StandardCharsets.UTF_8),
          NodeRecord.newBuilder().setIdentity(identity).setTopic(topic).setFullStatePeriodSeconds(60).build().toByteArray()));
      byte[] key = identity.getAgentId().toByteArray();
      byte[] identityField = field(new byte[0], LogRecord.IDENTITY_FIELD_NUMBER, identity.toByteArray());
      return batch -> producer.send(new ProducerRecord<>(topic, key, field(identityField, LogRecord.BATCH_FIELD_NUMBER, batch)),
          (metadata, e) -> {
            if (e == null) {
              acked.incrementAndGet();
            } else if (!IngestLoad.stopping) {
              System.err.println("agent " + identity.getNode() + ": " + e);
            }
          });
    }

    void close() {
      producer.close();
    }
  }
}
