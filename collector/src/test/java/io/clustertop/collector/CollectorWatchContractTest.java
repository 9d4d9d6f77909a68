package io.clustertop.collector;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.ip;
import static io.clustertop.collector.AgentMessages.volume;

import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.watch.WatchContract;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The collector's watch service against the watch contract: one agent's batches over real gRPC,
 * the collector's clock moved by the test, a slot published when the test closes it.
 */
class CollectorWatchContractTest extends WatchContract {
  private final AtomicLong clock = new AtomicLong(T0 + SECOND);
  private CollectorServer collector;
  private ManagedChannel ingest;
  private TestAgent agent;
  private long sequence;

  @Override
  protected ViewServer server() {
    return ViewServer.VIEW_SERVER_COLLECTOR;
  }

  @Override
  protected ManagedChannel serve() throws Exception {
    collector = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, false,
            CostConfig.defaults(), null),
        clock::get).start();
    ingest = NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
    agent = new TestAgent(ingest);
    agent.hello(hello("n1", 1, 1, LOCAL));
    return NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
  }

  @Override
  protected void traffic(List<Conversation> conversations) {
    FlowDelta[] flows = conversations.stream().map(c -> FlowDelta.newBuilder()
        .setKey(FlowKey.newBuilder().setLocalAddress(ip(LOCAL)).setRemoteAddress(ip(c.remote()))
            .setLocalPort(c.localPort()).setRemotePort(c.remotePort()).setProtocol(6))
        .setVolume(volume(c.sentBytes(), c.sentPackets(), c.receivedBytes(), c.receivedPackets()))
        .build()).toArray(FlowDelta[]::new);
    agent.send(batch(++sequence, clock.get(), flows));
  }

  @Override
  protected void closeSlot() {
    clock.addAndGet(2 * SECOND);
    collector.publishNow();
  }

  @Override
  protected void stopServing() throws Exception {
    if (collector == null) {
      return;
    }
    ingest.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    collector.stop();
    collector = null;
  }
}
