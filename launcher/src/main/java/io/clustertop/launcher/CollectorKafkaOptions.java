package io.clustertop.launcher;

import io.clustertop.kafka.consume.ConsumerSettings;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * {@code clustertop collector --kafka}: also consume the agents' records from Apache Kafka, as one
 * member of a consumer group that shares the partitions (the gRPC ingest stays open). Kafka client
 * settings of the user's own (TLS, SASL) come from {@code --kafka-config}, as for the agent.
 */
final class CollectorKafkaOptions {
  @Option(names = "--kafka", paramLabel = "host:port[,host:port...]",
      description = "Also take the agents' records from these Kafka brokers, sharing the partitions with the other collectors of --group (default: off).")
  String bootstrap;

  @Option(names = "--topic", paramLabel = "name", description = "With --kafka: the agents' topic (default: clustertop).")
  String topic;

  @Option(names = "--node-topic", paramLabel = "name",
      description = "With --kafka: the compacted topic of node records, read whole (default: the agents' topic with -nodes).")
  String nodeTopic;

  @Option(names = "--group", paramLabel = "id", description = "With --kafka: the consumer group the collectors share (default: clustertop-collectors).")
  String group;

  @Option(names = "--kafka-config", paramLabel = "file",
      description = "With --kafka: Kafka client properties (security.protocol, ssl.*, sasl.*, ...) for the consumers.")
  Path config;

  static final String DEFAULT_GROUP = "clustertop-collectors";

  boolean enabled() {
    return bootstrap != null;
  }

  /** The consumer's settings; a {@link UserError} for anything malformed, or given without {@code --kafka}. */
  ConsumerSettings settings() {
    if (!enabled()) {
      if (topic != null || nodeTopic != null || group != null || config != null) {
        throw new UserError("--topic, --node-topic, --group and --kafka-config apply with --kafka");
      }
      return null;
    }
    KafkaOptions.Topics topics = KafkaOptions.Topics.of(bootstrap, topic, nodeTopic);
    String members = group != null ? group : DEFAULT_GROUP;
    if (members.isBlank()) {
      throw new UserError("--group needs a name");
    }
    ConsumerSettings settings = new ConsumerSettings(bootstrap, topics.agents(), topics.nodes(), members,
        ConsumerSettings.DEFAULT_FULL_STATE_PERIOD, KafkaOptions.clientProperties(config));
    KafkaOptions.checkClientConfig(config, settings::checkClientConfig);
    return settings;
  }
}
