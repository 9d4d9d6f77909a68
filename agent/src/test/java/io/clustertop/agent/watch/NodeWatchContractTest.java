package io.clustertop.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.watch.WatchContract;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The agent's watch service against the watch contract: the node's conversation table, fed packet
 * by packet and ticked on one thread as the monitor's aggregation thread does (every 100 ms here,
 * every second in the agent), slots closed by the test.
 */
class NodeWatchContractTest extends WatchContract {
  private static final CaptureCounters COUNTERS = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  private final NodeWatchService service = new NodeWatchService();
  private final ConversationTable table = new ConversationTable(1_000);
  private final FlowAccumulator interval = new FlowAccumulator(1_024);
  /** The thread that owns the table, as the monitor's aggregation thread does. */
  private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor();
  private Server server;
  private boolean finished;

  @Override
  protected ViewServer server() {
    return ViewServer.VIEW_SERVER_AGENT;
  }

  @Override
  protected ManagedChannel serve() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    monitor.scheduleAtFixedRate(() -> service.tick(view(false)), 100, 100, TimeUnit.MILLISECONDS);
    return NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
  }

  @Override
  protected void traffic(List<Conversation> conversations) throws Exception {
    onMonitor(() -> {
      DecodedPacket p = new DecodedPacket();
      p.ipVersion = 4;
      p.protocol = 6;
      long local = IpAddress.parse(LOCAL).low();
      for (Conversation c : conversations) {
        long remote = IpAddress.parse(c.remote()).low();
        packets(p, local, remote, c.localPort(), c.remotePort(), c.sentBytes(), c.sentPackets(), Orientation.SENT);
        packets(p, remote, local, c.remotePort(), c.localPort(), c.receivedBytes(), c.receivedPackets(),
            Orientation.RECEIVED);
      }
    });
  }

  /** {@code count} packets from {@code src} to {@code dst} adding up to {@code bytes}. */
  private void packets(DecodedPacket p, long src, long dst, int srcPort, int dstPort, long bytes, long count,
      int orientation) {
    p.srcLow = src;
    p.dstLow = dst;
    p.srcPort = srcPort;
    p.dstPort = dstPort;
    for (long i = 0; i < count; i++) {
      p.ipBytes = (int) (bytes / count + (i == 0 ? bytes % count : 0));
      interval.add(p, orientation);
    }
  }

  @Override
  protected void closeSlot() throws Exception {
    onMonitor(() -> {
      table.add(interval);
      interval.clear();
      table.closeSlot();
      service.tick(view(true));
    });
  }

  @Override
  protected void stopServing() throws Exception {
    if (server == null) {
      return;
    }
    onMonitor(() -> {
      finished = true;
      service.tick(view(false));
    });
    monitor.shutdownNow();
    server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
    server = null;
  }

  private void onMonitor(Runnable work) throws Exception {
    monitor.submit(work).get(5, TimeUnit.SECONDS);
  }

  private MonitorView view(boolean slotClosed) {
    return TableMonitorView.of(table, slotClosed, finished, COUNTERS);
  }

  /** Not the contract's: an agent has no groupings or filters to offer, and says so. */
  @Test
  void groupingsAndFiltersAreRefused() throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      for (WatchRequest request : List.of(
          WatchRequest.newBuilder().setGrouping(Grouping.NODES).build(),
          WatchRequest.newBuilder().addCidrs("10.0.0.0/8").build(),
          WatchRequest.newBuilder().setNode("n1").build(),
          WatchRequest.newBuilder().setGrouping(Grouping.PROCESSES).build(),
          WatchRequest.newBuilder().setGrouping(Grouping.CONTAINERS).build())) {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
            () -> WatchGrpc.newBlockingStub(channel).subscribe(request).next());
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      }
    } finally {
      channel.shutdownNow();
    }
  }
}
