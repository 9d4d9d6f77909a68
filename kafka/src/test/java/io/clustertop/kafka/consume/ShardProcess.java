package io.clustertop.kafka.consume;

import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;

/**
 * A collector consuming in a group, in a JVM of its own, for a test to kill (SIGKILL: no goodbye to
 * the group, whose session expires): {@code ShardProcess BOOTSTRAP TOPIC NODE_TOPIC GROUP}. Its
 * log lines (partitions assigned, rebuilt) go to its standard error.
 */
public final class ShardProcess {
  private ShardProcess() {}

  public static void main(String[] args) throws Exception {
    CollectorServer server = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, false,
            CostConfig.defaults(), null), CollectorServer::wallClockNanos).start();
    new ShardConsumer(new ConsumerSettings(args[0], args[1], args[2], args[3], Duration.ofSeconds(1), Map.of()),
        server.ingest(), server.cluster(), "shard-process", System::currentTimeMillis).start();
    Thread.currentThread().join();
  }
}
