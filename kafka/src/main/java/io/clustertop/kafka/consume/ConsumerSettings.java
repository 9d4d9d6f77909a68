package io.clustertop.kafka.consume;

import io.clustertop.kafka.ClientConfigs;
import io.clustertop.kafka.publish.PublisherSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where and how a collector consumes: the brokers, the agents' topic and the node topic, the
 * consumer group it shares the partitions with, and the user's own Kafka client properties (security,
 * say) from {@code --kafka-config}.
 *
 * @param defaultFullStatePeriod how far back a rebuild reads (twice this) when no node record says
 *     how often its agent publishes a full state
 */
public record ConsumerSettings(String bootstrap, String topic, String nodeTopic, String group,
    Duration defaultFullStatePeriod, Map<String, String> clientProperties) {
  /** The agents' own default: a node whose record says nothing publishes as often as that. */
  public static final Duration DEFAULT_FULL_STATE_PERIOD = PublisherSettings.DEFAULT_FULL_STATE_PERIOD;

  public ConsumerSettings {
    clientProperties = Map.copyOf(clientProperties);
    if (topic.equals(nodeTopic)) {
      throw new IllegalArgumentException("the node topic must differ from the agents' topic: " + topic);
    }
  }

  /**
   * Checks the consumers' configurations as Kafka reads them, without reaching a broker.
   *
   * @throws ConfigException naming the first bad property
   */
  public void checkClientConfig() {
    new ConsumerConfig(groupConfig("check"));
    new ConsumerConfig(nodeReaderConfig("check"));
  }

  /**
   * The group member's configuration: the user's properties, then what is not theirs to change.
   * Offsets are committed by the consumer after the records are applied, never automatically; the
   * group protocol is Kafka's own (KIP-848), whose assignments are incremental: a rebalance takes
   * from a collector only the partitions that move, so the others' nodes are not rebuilt. Where no
   * offset is committed it starts at the end, since a rebuild seeks back to the full states anyway.
   *
   * <p>Fetches larger than Kafka's defaults (the user may set others): an agent's batch is a record of
   * about 9 KB (200 conversations), so the default 1 MiB per partition and fetch is about a hundred
   * batches, and at 5,000 agents the applying thread waited for fetches while its partitions fell
   * behind (BENCHMARKS.md, "One shard through Kafka": 770,000 deltas/s applied of a million with the
   * defaults, all of them with these).
   */
  Map<String, Object> groupConfig(String clientId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    config.putAll(clientProperties);
    config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return config;
  }

  /** The node topic's reader: every collector reads it whole, so it is in no group. */
  Map<String, Object> nodeReaderConfig(String clientId) {
    return ClientConfigs.wholeTopicReader(bootstrap, clientId, clientProperties);
  }
}
