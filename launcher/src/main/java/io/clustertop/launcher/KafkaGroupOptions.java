package io.clustertop.launcher;

import io.clustertop.kafka.shards.ShardSettings;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options the collector's and the relay's {@code --kafka} share, named the same on both so one
 * set of values finds one group: the agents' topic (which names the others), the shard topic where
 * the collectors announce their Watch service, the consumer group, the user's Kafka client properties.
 */
final class KafkaGroupOptions {
  static final String DEFAULT_GROUP = "clustertop-collectors";

  @Option(names = "--topic", paramLabel = "name", description = "With --kafka: the agents' topic (default: clustertop).")
  String topic;

  @Option(names = "--shard-topic", paramLabel = "name",
      description = "With --kafka: the compacted topic where the group's collectors announce their Watch service for a relay"
          + " (default: the agents' topic with -shards).")
  String shardTopic;

  @Option(names = "--group", paramLabel = "id", description = "With --kafka: the collectors' consumer group (default: clustertop-collectors).")
  String group;

  @Option(names = "--kafka-config", paramLabel = "file",
      description = "With --kafka: Kafka client properties (security.protocol, ssl.*, sasl.*, ...) for its Kafka clients.")
  Path config;

  /** Whether any of them was given (they apply with {@code --kafka} only). */
  boolean anyGiven() {
    return topic != null || shardTopic != null || group != null || config != null;
  }

  /** The topics, with the node topic's own option (null: the default); a {@link UserError} for a bad name. */
  KafkaOptions.Topics topics(String bootstrap, String nodeTopic) {
    return KafkaOptions.Topics.of(bootstrap, topic, nodeTopic, shardTopic);
  }

  /** The group's name; a {@link UserError} when blank. */
  String group() {
    String members = group != null ? group : DEFAULT_GROUP;
    if (members.isBlank()) {
      throw new UserError("--group needs a name");
    }
    return members;
  }

  /** {@code --kafka-config}'s properties (none without it); a {@link UserError} if unreadable. */
  Map<String, String> clientProperties() {
    return KafkaOptions.clientProperties(config);
  }

  /** Where the collectors announce themselves and a relay finds them, checked as Kafka reads its settings. */
  ShardSettings shardSettings(String bootstrap) {
    ShardSettings settings = new ShardSettings(bootstrap, topics(bootstrap, null).shards(), group(), clientProperties());
    KafkaOptions.checkClientConfig(config, settings::checkClientConfig);
    return settings;
  }
}
