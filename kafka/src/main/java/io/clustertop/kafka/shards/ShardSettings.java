package io.clustertop.kafka.shards;

import io.clustertop.kafka.ClientConfigs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where the collectors of a consumer group announce their Watch service and a relay finds them: the
 * brokers, the compacted shard topic, the group, and the user's own Kafka client properties (security,
 * say) from {@code --kafka-config}.
 *
 * @param topic the shard topic: one record per collector, keyed by its member id ({@code ShardRecord})
 * @param group the consumer group the collectors share the agents' topic in
 */
public record ShardSettings(String bootstrap, String topic, String group, Map<String, String> clientProperties) {
  public ShardSettings {
    clientProperties = Map.copyOf(clientProperties);
  }

  /** The shard topic's default name: the agents' topic's with {@code -shards}. */
  public static String topicOf(String agentsTopic) {
    return agentsTopic + "-shards";
  }

  /**
   * Checks the clients' configurations as Kafka reads them, without reaching a broker.
   *
   * @throws ConfigException naming the first bad property
   */
  public void checkClientConfig() {
    new ProducerConfig(producerConfig("check"));
    new ConsumerConfig(readerConfig("check"));
    new AdminClientConfig(adminConfig("check"));
  }

  /** The shard topic as a collector creates it when missing: one partition, compacted (the latest record per collector). */
  List<NewTopic> newTopic() {
    return List.of(new NewTopic(topic, Optional.of(1), Optional.empty())
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
  }

  /** A collector's announcements: one small record at start and a tombstone at a clean stop, acknowledged by every replica. */
  Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.putAll(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return config;
  }

  /** The relay's reader of the shard topic: read whole and followed, in no group. */
  Map<String, Object> readerConfig(String clientId) {
    return ClientConfigs.wholeTopicReader(bootstrap, clientId, clientProperties);
  }

  /** The admin client: the shard topic's creation (collector), the group's description (relay). */
  Map<String, Object> adminConfig(String clientId) {
    return ClientConfigs.admin(bootstrap, clientId, clientProperties);
  }
}
