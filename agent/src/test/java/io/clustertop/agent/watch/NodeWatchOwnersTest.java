package io.clustertop.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The agent's rows by process and by container, over gRPC, and the refusal where it does not attribute. */
class NodeWatchOwnersTest {
  private static final CaptureCounters COUNTERS = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final IpAddress LOCAL = IpAddress.parse("10.77.1.2");
  private static final IpAddress REMOTE = IpAddress.parse("10.77.0.2");
  private static final FlowKey WEB = new FlowKey(LOCAL, REMOTE, 41001, 5001, 6);
  private static final FlowKey GONE = new FlowKey(LOCAL, REMOTE, 41002, 5001, 6);

  @Test
  void rowsByProcessCarryTheOwnerOnTheLeft() throws Exception {
    ConversationTable table = new ConversationTable(100);
    FlowAccumulator flows = new FlowAccumulator(16);
    DecodedPacket p = new DecodedPacket();
    flows.add(p.of(WEB, 1_000), Orientation.SENT);
    flows.add(p.of(GONE, 300), Orientation.SENT);
    table.add(flows);
    table.closeSlot();
    Map<FlowKey, Attribution> owners = Map.of(WEB, new Attribution(new LocalProcess(201, "python3", 2, null)),
        GONE, Attribution.UNATTRIBUTED);
    NodeWatchService service = new NodeWatchService(null, owners::get);
    ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      monitor.scheduleAtFixedRate(() -> service.tick(TableMonitorView.of(table, true, false, COUNTERS)), 50, 50, TimeUnit.MILLISECONDS);
      Iterator<ViewSnapshot> processes = WatchGrpc.newBlockingStub(channel)
          .subscribe(WatchRequest.newBuilder().setGrouping(Grouping.PROCESSES).setHideDestination(true).build());
      assertEquals(Map.of("python3[201]", 1_000L, "(unattributed)", 300L), sent(processes.next()));
      Iterator<ViewSnapshot> containers = WatchGrpc.newBlockingStub(channel)
          .subscribe(WatchRequest.newBuilder().setGrouping(Grouping.CONTAINERS).setHideDestination(true).build());
      assertEquals(Map.of("(host)", 1_000L, "(unattributed)", 300L), sent(containers.next()));
    } finally {
      channel.shutdownNow();
      monitor.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void anAgentThatDoesNotAttributeSaysSo() throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new NodeWatchService()).build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> WatchGrpc.newBlockingStub(channel)
          .subscribe(WatchRequest.newBuilder().setGrouping(Grouping.PROCESSES).build()).next());
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
      assertEquals(NodeWatchService.NOT_ATTRIBUTING, e.getStatus().getDescription());
    } finally {
      channel.shutdownNow();
      server.shutdownNow();
    }
  }

  @Test
  void publicRemotesAreMaskedInEveryGroupingUnderMaskRemote() throws Exception {
    IpAddress publicOne = IpAddress.parse("203.0.113.77");
    IpAddress publicTwo = IpAddress.parse("203.0.113.78");
    FlowKey toOne = new FlowKey(LOCAL, publicOne, 41003, 443, 6);
    FlowKey toTwo = new FlowKey(LOCAL, publicTwo, 41004, 443, 6);
    ConversationTable table = new ConversationTable(100);
    FlowAccumulator flows = new FlowAccumulator(16);
    DecodedPacket p = new DecodedPacket();
    flows.add(p.of(toOne, 1_000), Orientation.SENT);
    flows.add(p.of(toTwo, 500), Orientation.SENT);
    flows.add(p.of(WEB, 300), Orientation.SENT);
    table.add(flows);
    table.closeSlot();
    Map<FlowKey, Attribution> owners = Map.of(toOne, new Attribution(new LocalProcess(201, "python3", 2, null)),
        toTwo, new Attribution(new LocalProcess(201, "python3", 2, null)), WEB, Attribution.UNATTRIBUTED);
    NodeWatchService service = new NodeWatchService(null, owners::get,
        io.clustertop.core.privacy.RemoteMask.prefix(24, 48).onRemotes(java.util.List.of(LOCAL)::contains));
    ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    try {
      monitor.scheduleAtFixedRate(() -> service.tick(TableMonitorView.of(table, true, false, COUNTERS)), 50, 50, TimeUnit.MILLISECONDS);
      for (Grouping g : new Grouping[] {Grouping.HOST_PAIRS, Grouping.PROCESSES}) {
        ViewSnapshot s = WatchGrpc.newBlockingStub(channel).subscribe(WatchRequest.newBuilder().setGrouping(g).build())
            .next();
        Map<IpAddress, Long> byRemote = s.getRowsList().stream().collect(Collectors.toMap(
            r -> IpAddress.of(address(r.getRight().getAddress().toByteArray())), r -> r.getSent().getBytes(), Long::sum));
        // the two public remotes share their /24; the private one and the node's own address stay
        assertEquals(Map.of(IpAddress.parse("203.0.113.0"), 1_500L, REMOTE, 300L), byRemote, g + ": " + s);
        assertEquals(1_800L, s.getTotals().getSent().getBytes());
      }
    } finally {
      channel.shutdownNow();
      monitor.shutdownNow();
      server.shutdownNow();
    }
  }

  private static java.net.InetAddress address(byte[] bytes) {
    try {
      return java.net.InetAddress.getByAddress(bytes);
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, Long> sent(ViewSnapshot s) {
    return s.getRowsList().stream().collect(Collectors.toMap(Row::getLocalOwner, r -> r.getSent().getBytes()));
  }
}
