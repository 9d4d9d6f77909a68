package io.clustertop.launcher;

import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.kafka.publish.TopicLayout;
import io.clustertop.kafka.shards.ShardSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;

/**
 * {@code clustertop agent --kafka}: publish to Apache Kafka instead of streaming to a collector.
 * The topics are created when missing, with the layout these options give; Kafka client settings
 * of the user's own (TLS, SASL) come from {@code --kafka-config}, a Java properties file.
 */
final class KafkaOptions {
  @Option(names = "--kafka", paramLabel = "host:port[,host:port...]",
      description = "Publish to these Kafka brokers instead of streaming to a collector.")
  String bootstrap;

  static final String DEFAULT_TOPIC = "clustertop";

  @Option(names = "--topic", paramLabel = "name", description = "With --kafka: the agents' topic (default: clustertop).")
  String topic;

  @Option(names = "--node-topic", paramLabel = "name",
      description = "With --kafka: the compacted topic of node records (default: the agents' topic with -nodes).")
  String nodeTopic;

  @Option(names = "--full-state-seconds", paramLabel = "n",
      description = "With --kafka: publish the node's full state every n seconds, so a consumer rebuilds from the latest one (default: 60).")
  Integer fullStateSeconds;

  @Option(names = "--topic-partitions", paramLabel = "n",
      description = "With --kafka: partitions of the agents' topic when the agent creates it (default: 12).")
  Integer partitions;

  @Option(names = "--topic-replication", paramLabel = "n",
      description = "With --kafka: replicas of each topic when the agent creates it (default: the brokers' default.replication.factor).")
  Short replication;

  @Option(names = "--topic-retention", paramLabel = "span",
      description = "With --kafka: how long the agents' topic keeps records when the agent creates it, e.g. 1h (default: 1h).")
  String retention;

  @Option(names = "--kafka-config", paramLabel = "file",
      description = "With --kafka: Kafka client properties (security.protocol, ssl.*, sasl.*, ...) for the producer and the admin client.")
  Path config;

  boolean enabled() {
    return bootstrap != null;
  }

  /** The publisher's settings; a {@link UserError} for anything malformed or given without {@code --kafka}. */
  PublisherSettings settings() {
    if (!enabled()) {
      throw new IllegalStateException("no --kafka");
    }
    Topics topics = Topics.of(bootstrap, topic, nodeTopic, null);
    int period = fullStateSeconds != null ? fullStateSeconds : (int) PublisherSettings.DEFAULT_FULL_STATE_PERIOD.toSeconds();
    int partitionCount = partitions != null ? partitions : TopicLayout.DEFAULT_PARTITIONS;
    if (period < 1 || partitionCount < 1 || (replication != null && replication < 1)) {
      throw new UserError("--full-state-seconds, --topic-partitions and --topic-replication must be at least 1");
    }
    Duration kept = retention == null ? TopicLayout.DEFAULT_RETENTION : DurationText.parse("--topic-retention", retention);
    PublisherSettings settings = new PublisherSettings(bootstrap, topics.agents(), topics.nodes(), Duration.ofSeconds(period),
        new TopicLayout(partitionCount, Optional.ofNullable(replication), kept, TopicLayout.DEFAULT_MAX_MESSAGE_BYTES),
        clientProperties(config));
    checkClientConfig(config, settings::checkClientConfig);
    return settings;
  }

  /**
   * The agents' topic, the node topic and the shard topic (where collectors announce their Watch
   * service for a relay), as the agent's, the collector's and the relay's {@code --kafka} name them.
   */
  record Topics(String agents, String nodes, String shards) {
    /**
     * From {@code --kafka}, {@code --topic}, {@code --node-topic} and {@code --shard-topic} (null: the
     * default, named after the agents' topic); a {@link UserError} for a bad broker or name.
     */
    static Topics of(String bootstrap, String topic, String nodeTopic, String shardTopic) {
      for (String broker : bootstrap.split(",", -1)) {
        HostPort.parse("--kafka", broker);
      }
      String agents = topic != null ? topic : DEFAULT_TOPIC;
      String nodes = nodeTopic != null ? nodeTopic : PublisherSettings.nodeTopicOf(agents);
      String shards = shardTopic != null ? shardTopic : ShardSettings.topicOf(agents);
      if (agents.isBlank() || nodes.isBlank() || shards.isBlank()) {
        throw new UserError("--topic, --node-topic and --shard-topic need a name");
      }
      if (nodes.equals(agents)) {
        throw new UserError("--node-topic must differ from --topic: " + agents);
      }
      if (shards.equals(agents) || shards.equals(nodes)) {
        throw new UserError("--shard-topic must differ from --topic and --node-topic: " + shards);
      }
      return new Topics(agents, nodes, shards);
    }
  }

  /** Runs a settings' check of the Kafka client properties; what Kafka refuses is a {@link UserError}. */
  static void checkClientConfig(Path config, Runnable check) {
    try {
      check.run();
    } catch (ConfigException e) {
      throw new UserError("--kafka-config " + config + ": " + e.getMessage(), e);
    }
  }

  /** Options that mean something only with {@code --kafka}: a {@link UserError} if one is given without it. */
  void refuseWithoutKafka() {
    if (!enabled() && (topic != null || nodeTopic != null || fullStateSeconds != null || partitions != null
        || replication != null || retention != null || config != null)) {
      throw new UserError("--topic, --node-topic, --full-state-seconds, --topic-* and --kafka-config apply with --kafka");
    }
  }

  /** Kafka client properties from {@code --kafka-config} (none without it); a {@link UserError} if unreadable. */
  static Map<String, String> clientProperties(Path config) {
    if (config == null) {
      return Map.of();
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(config)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new UserError("--kafka-config " + config + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    properties.stringPropertyNames().forEach(name -> out.put(name, properties.getProperty(name)));
    return out;
  }
}
