package io.clustertop.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.collector.AgentMessages;
import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.TestAgent;
import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.placement.Placer;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.Hello;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real collectors on 127.0.0.1 on one hand-driven clock, and hand-driven agents that send each of
 * their messages to their shard and to the reference collector that holds every node.
 */
final class Shards implements AutoCloseable {
  /** 2023-11-14T22:13:20Z, the start of a 2-second slot. */
  static final long T0 = 1_700_000_000_000_000_000L;
  static final long SECOND = 1_000_000_000L;

  final AtomicLong clock = new AtomicLong(T0);
  final List<CollectorServer> collectors = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  /** A collector on an ephemeral port (or {@code port}), publishing only when told. */
  CollectorServer collector(int port) throws IOException {
    return collector(port, null);
  }

  /** With a cost history in {@code history} (null: none). */
  CollectorServer collector(int port, Path history) throws IOException {
    return collector(port, history, null);
  }

  /** And reading Kubernetes through {@code kubernetes} (null: not). */
  CollectorServer collector(int port, Path history, ClusterMetadata kubernetes) throws IOException {
    HistoryOptions options = history == null ? null
        : new HistoryOptions(history, Duration.ofDays(30), HistoryOptions.DEFAULT_MAX_BYTES, HistoryOptions.DEFAULT_TOP_REMOTES);
    CollectorOptions collectorOptions = new CollectorOptions(IngestLimits.defaults(),
        CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES, null, false, CostConfig.defaults(), options);
    if (kubernetes != null) {
      collectorOptions = collectorOptions.withKubernetes(kubernetes, Placer.DEFAULT_MAX);
    }
    CollectorServer c = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port)),
        collectorOptions, clock::get).start();
    collectors.add(c);
    return c;
  }

  static String address(CollectorServer c) {
    return "127.0.0.1:" + c.port();
  }

  /** Publishes every collector's views as of the clock. */
  void publish() {
    for (CollectorServer c : collectors) {
      c.publishNow();
    }
  }

  /** An agent streaming to each of {@code collectors}: the same messages to each. */
  Agent agent(String node, int id, String address, CollectorServer... to) {
    return new Agent(node, id, address, to);
  }

  final class Agent {
    private final List<TestAgent> streams = new ArrayList<>();
    final String node;
    final String address;
    private long sequence;

    Agent(String node, int id, String address, CollectorServer... to) {
      this.node = node;
      this.address = address;
      Hello hello = AgentMessages.hello(node, id, T0 - 100 * SECOND, address);
      hello = hello.toBuilder().setIdentity(hello.getIdentity().toBuilder().setZone("zone-a")).build();
      for (CollectorServer c : to) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", c.port()).usePlaintext().build();
        channels.add(channel);
        TestAgent s = new TestAgent(channel);
        s.hello(hello);
        streams.add(s);
      }
    }

    /** The batch of the second ending at {@code endNanos}, to every collector; each applies it. */
    void batch(long endNanos, FlowDelta... flows) {
      DeltaBatch batch = AgentMessages.batch(++sequence, endNanos, flows);
      for (TestAgent s : streams) {
        Ack ack = s.send(batch);
        assertEquals(sequence, ack.getAppliedThrough(), node + " batch " + sequence + " applied");
      }
    }

    /** A conversation of this node's with {@code remote}, local port {@code localPort}, to port {@code remotePort}. */
    FlowDelta flow(String remote, int localPort, int remotePort, long sentBytes, long receivedBytes) {
      return flow(address, remote, localPort, remotePort, sentBytes, receivedBytes);
    }

    /** The same, its local end at {@code local} (a pod's address on this node). */
    FlowDelta flow(String local, String remote, int localPort, int remotePort, long sentBytes, long receivedBytes) {
      return FlowDelta.newBuilder()
          .setKey(FlowKey.newBuilder().setLocalAddress(AgentMessages.ip(local))
              .setRemoteAddress(AgentMessages.ip(remote)).setLocalPort(localPort).setRemotePort(remotePort).setProtocol(6))
          .setVolume(AgentMessages.volume(sentBytes, Math.max(1, sentBytes / 1000), receivedBytes,
              Math.max(1, receivedBytes / 1000)))
          .build();
    }
  }

  @Override
  public void close() {
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    for (CollectorServer c : collectors) {
      c.stop();
    }
  }
}
