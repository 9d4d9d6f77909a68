package io.clustertop.launcher;

import io.clustertop.kafka.consume.ConsumerSettings;
import io.clustertop.kafka.shards.ShardSettings;
import java.net.InetSocketAddress;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop collector --kafka}: also consume the agents' records from Apache Kafka, as one
 * member of a consumer group that shares the partitions (the gRPC ingest stays open), and announce
 * where its Watch service is on the shard topic, for a relay that finds the group's collectors
 * there. Kafka client settings of the user's own (TLS, SASL) come from {@code --kafka-config}, as
 * for the agent.
 */
final class CollectorKafkaOptions {
  @Option(names = "--kafka", paramLabel = "host:port[,host:port...]",
      description = "Also take the agents' records from these Kafka brokers, sharing the partitions with the other collectors of --group (default: off).")
  String bootstrap;

  @Mixin
  KafkaGroupOptions group;

  @Option(names = "--node-topic", paramLabel = "name",
      description = "With --kafka: the compacted topic of node records, read whole (default: the agents' topic with -nodes).")
  String nodeTopic;

  @Option(names = "--advertise", paramLabel = "host:port",
      description = "With --kafka: where a relay reaches this collector's Watch service, announced on the shard topic"
          + " (default: the --listen address; listening on every address, the address the brokers see it at, with the --listen port).")
  String advertise;

  boolean enabled() {
    return bootstrap != null;
  }

  /** The consumer's settings; a {@link UserError} for anything malformed, or given without {@code --kafka}. */
  ConsumerSettings settings() {
    if (!enabled()) {
      if (group.anyGiven() || nodeTopic != null || advertise != null) {
        throw new UserError("--topic, --node-topic, --shard-topic, --group, --advertise and --kafka-config apply with --kafka");
      }
      return null;
    }
    KafkaOptions.Topics topics = group.topics(bootstrap, nodeTopic);
    ConsumerSettings settings = new ConsumerSettings(bootstrap, topics.agents(), topics.nodes(), group.group(),
        ConsumerSettings.DEFAULT_FULL_STATE_PERIOD, group.clientProperties());
    KafkaOptions.checkClientConfig(group.config, settings::checkClientConfig);
    if (advertise != null) {
      advertised(null, 0);
    }
    return settings;
  }

  /** Where the collector announces itself; with {@code --kafka} only. */
  ShardSettings shardSettings() {
    return group.shardSettings(bootstrap);
  }

  /**
   * The Watch service's address as announced: {@code --advertise}, else the address it listens on, or,
   * listening on every address, an empty host (a relay takes the address the brokers see it at).
   *
   * @param listening the address bound; port the port bound (the real one when 0 was asked for)
   */
  InetSocketAddress advertised(InetSocketAddress listening, int port) {
    if (advertise != null) {
      InetSocketAddress a = HostPort.parse("--advertise", advertise);
      if (a.getPort() == 0 || HostPort.wildcard(a.getHostString())) {
        throw new UserError("--advertise " + advertise + ": name the address and port a relay reaches this collector at"
            + " (not 0.0.0.0, :: or port 0)");
      }
      return a;
    }
    String host = listening.getAddress().isAnyLocalAddress() ? "" : listening.getHostString();
    return InetSocketAddress.createUnresolved(host, port);
  }
}
