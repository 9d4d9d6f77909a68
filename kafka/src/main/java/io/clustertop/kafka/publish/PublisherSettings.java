package io.clustertop.kafka.publish;

import io.clustertop.kafka.ClientConfigs;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Where and how an agent publishes: the brokers, the agents' topic and the node topic, how often a
 * full state goes out, the topics' layout when the agent creates them, and the user's own Kafka
 * client properties (security, say) from {@code --kafka-config}.
 *
 * @param clientProperties applied to the producer and the admin client, except where they would
 *     undo what counting each byte once needs (see {@link #producerConfig})
 */
public record PublisherSettings(String bootstrap, String topic, String nodeTopic, Duration fullStatePeriod,
    TopicLayout layout, Map<String, String> clientProperties) {
  public static final Duration DEFAULT_FULL_STATE_PERIOD = Duration.ofSeconds(60);

  public PublisherSettings {
    clientProperties = Map.copyOf(clientProperties);
    if (topic.equals(nodeTopic)) {
      throw new IllegalArgumentException("the node topic must differ from the agents' topic: " + topic);
    }
  }

  /** The node topic's default name: the agents' topic's with {@code -nodes}. */
  public static String nodeTopicOf(String topic) {
    return topic + "-nodes";
  }

  /**
   * Checks the producer's and the admin client's configurations as Kafka reads them (values of
   * the right type and range), without reaching a broker.
   *
   * @throws ConfigException naming the first bad property
   */
  public void checkClientConfig() {
    new ProducerConfig(producerConfig("check"));
    new AdminClientConfig(adminConfig("check"));
  }

  /**
   * The producer's configuration: our defaults, then the user's properties, then what is not the
   * user's to change: {@code acks=all} and idempotence (a record is acknowledged only once every
   * in-sync replica has it, and a retry never writes it twice), retries without end and no delivery
   * timeout (the producer keeps a record until a broker takes it; the agent's buffer, not the
   * producer, decides what to give up, as a Gap).
   */
  Map<String, Object> producerConfig(String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0); // one record at a time: nothing to wait for
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, layout.maxMessageBytes());
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000); // how long a send waits for the topic's metadata
    config.putAll(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Integer.MAX_VALUE);
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5); // idempotence keeps order up to 5
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return config;
  }

  /** The admin client's configuration (topic creation): the user's properties and the brokers. */
  Map<String, Object> adminConfig(String clientId) {
    return ClientConfigs.admin(bootstrap, clientId, clientProperties);
  }
}
