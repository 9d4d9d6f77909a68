package io.clustertop.launcher;

import io.clustertop.kafka.shards.ShardSettings;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop relay --kafka}: find the shards in the collectors' consumer group rather than
 * listing them: each collector of {@code --group} announces its Watch service on the shard topic
 * (named as the collectors name it: {@link KafkaGroupOptions}), and the relay merges those the
 * group's live membership holds, following joins and leaves.
 */
final class RelayKafkaOptions {
  @Option(names = "--kafka", paramLabel = "host:port[,host:port...]",
      description = "Find the shards in the consumer group of the collectors consuming from these Kafka brokers (instead of --shards).")
  String bootstrap;

  @Mixin
  KafkaGroupOptions group;

  boolean enabled() {
    return bootstrap != null;
  }

  /** Where to find the shards; a {@link UserError} for anything malformed, or given without {@code --kafka}. */
  ShardSettings settings() {
    if (!enabled()) {
      if (group.anyGiven()) {
        throw new UserError("--topic, --shard-topic, --group and --kafka-config apply with --kafka");
      }
      return null;
    }
    return group.shardSettings(bootstrap);
  }
}
