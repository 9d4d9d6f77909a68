package io.clustertop.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Kafka client configurations more than one of our clients needs, in one place: the user's own
 * properties ({@code --kafka-config}) first, then what is not theirs to change.
 */
public final class ClientConfigs {
  private ClientConfigs() {}

  /**
   * A reader of a small compacted topic that every instance reads whole and follows (the node topic, the
   * shard topic): in no group, from the beginning, nothing committed; never creating the topic by
   * asking for it (a broker's auto-creation would make it with its defaults, not compacted).
   */
  public static Map<String, Object> wholeTopicReader(String bootstrap, String clientId, Map<String, String> user) {
    Map<String, Object> config = new HashMap<>(user);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  /** An admin client (topics created, a group described): a broker that does not answer is given up on within 15 s. */
  public static Map<String, Object> admin(String bootstrap, String clientId, Map<String, String> user) {
    Map<String, Object> config = new HashMap<>();
    config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    config.putAll(user);
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return config;
  }
}
