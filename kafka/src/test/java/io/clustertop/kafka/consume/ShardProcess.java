package io.clustertop.kafka.consume;

import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.kafka.shards.ShardAnnouncer;
import io.clustertop.kafka.shards.ShardSettings;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A collector consuming in a group, in a JVM of its own, for a test to kill (SIGKILL: no goodbye to
 * the group, whose session expires): {@code ShardProcess BOOTSTRAP TOPIC NODE_TOPIC GROUP [SHARD_TOPIC]};
 * with a shard topic, it announces its Watch service there (127.0.0.1 and its port), as a relay finds
 * collectors. Its log lines (partitions assigned, rebuilt, announced) go to its standard error.
 */
public final class ShardProcess {
  private ShardProcess() {}

  public static void main(String[] args) throws Exception {
    boolean announced = args.length > 4; // then watched through a relay: its views go out every slot
    CollectorServer server = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, announced,
            CostConfig.defaults(), null), CollectorServer::wallClockNanos).start();
    ShardConsumer consumer = new ShardConsumer(new ConsumerSettings(args[0], args[1], args[2], args[3],
        Duration.ofSeconds(1), Map.of()), server.ingest(), server.cluster(), "shard-process", System::currentTimeMillis);
    if (announced) {
      consumer.announcing(new ShardAnnouncer(new ShardSettings(args[0], args[4], args[3], Map.of()), "127.0.0.1",
          server.port(), "shard-process"));
    }
    consumer.start();
    Thread.currentThread().join();
  }
}
