package io.clustertop.kafka.publish;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The two topics an agent publishes to, as it creates them when they are missing: the agents'
 * topic ({@code partitions} partitions, deleted after {@code retention}, records up to
 * {@code maxMessageBytes} so a full state fits) and the node topic (one partition, compacted).
 * Both with {@code replication} replicas, or the brokers' {@code default.replication.factor}
 * when empty.
 */
public record TopicLayout(int partitions, Optional<Short> replication, Duration retention, int maxMessageBytes) {
  public static final int DEFAULT_PARTITIONS = 12;
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(1);
  /** Also the producer's max.request.size: a full state of tens of thousands of conversations fits. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 8 << 20;

  public TopicLayout {
    if (partitions < 1) {
      throw new IllegalArgumentException("a topic needs a partition at least: " + partitions);
    }
    if (replication.isPresent() && replication.get() < 1) {
      throw new IllegalArgumentException("a topic needs a replica at least: " + replication.get());
    }
    if (retention.isNegative() || retention.isZero()) {
      throw new IllegalArgumentException("the retention must be positive: " + retention);
    }
  }

  public static TopicLayout defaults() {
    return new TopicLayout(DEFAULT_PARTITIONS, Optional.empty(), DEFAULT_RETENTION, DEFAULT_MAX_MESSAGE_BYTES);
  }

  /** The agents' topic and the node topic, as Kafka's admin client creates them. */
  List<NewTopic> newTopics(String topic, String nodeTopic) {
    NewTopic agents = new NewTopic(topic, Optional.of(partitions), replication).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention.toMillis()),
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes)));
    NewTopic nodes = new NewTopic(nodeTopic, Optional.of(1), replication).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    return List.of(agents, nodes);
  }
}
