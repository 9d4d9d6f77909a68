package io.clustertop.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.PortDisplay;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The node's watch service over real gRPC on 127.0.0.1. */
class NodeWatchServiceTest {
  private static final CaptureCounters COUNTERS = new CaptureCounters(5, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0);

  private final NodeWatchService service = new NodeWatchService();
  private final ConversationTable table = new ConversationTable(100);
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    FlowAccumulator batch = new FlowAccumulator(16);
    DecodedPacket p = new DecodedPacket();
    p.ipVersion = 4;
    p.protocol = 6;
    p.srcLow = 0x0a4d0001L;
    p.dstLow = 0x0a4d0002L;
    p.srcPort = 40000;
    p.dstPort = 443;
    for (int i = 0; i < 5; i++) {
      p.ipBytes = 100 * (i + 1);
      batch.add(p, Orientation.SENT);
    }
    table.add(batch);
    table.closeSlot();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private MonitorView view(boolean slotClosed) {
    return new MonitorView() {
      @Override
      public long elapsedMillis() {
        return 2000;
      }

      @Override
      public boolean slotClosed() {
        return slotClosed;
      }

      @Override
      public boolean finished() {
        return false;
      }

      @Override
      public Snapshot snapshot(ViewOptions options) {
        return table.snapshot(options, "eth0", 1_700_000_000_000L, COUNTERS);
      }
    };
  }

  private void awaitSubscribers(int n) throws InterruptedException {
    for (int i = 0; i < 500 && service.subscribers() < n; i++) {
      Thread.sleep(10);
    }
    assertEquals(n, service.subscribers());
  }

  @Test
  void aSubscriberGetsItsViewAtEachSlot() throws Exception {
    BlockingQueue<ViewSnapshot> received = new LinkedBlockingQueue<>();
    WatchRequest request = WatchRequest.newBuilder().setPorts(PortDisplay.PORTS_ON).setLimit(5).build();
    WatchGrpc.newStub(channel).subscribe(request, new io.grpc.stub.StreamObserver<>() {
      @Override
      public void onNext(ViewSnapshot value) {
        received.add(value);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    });
    awaitSubscribers(1);
    service.tick(view(false));
    service.tick(view(true));
    ViewSnapshot got = received.poll(5, TimeUnit.SECONDS);
    ViewSnapshot expected = ViewWire.toProto(table.snapshot(ViewWire.fromProto(request), "eth0", 1_700_000_000_000L, COUNTERS));
    assertEquals(expected, got);
    assertEquals(1500, got.getRows(0).getSent().getBytes());
    assertEquals(443, got.getRows(0).getRight().getPort());
    assertTrue(received.isEmpty(), "nothing between slots");
  }

  @Test
  void aStuckSubscriberNeverHoldsUpThePublisherAndGetsTheLatestOnly() throws Exception {
    BlockingQueue<ViewSnapshot> received = new LinkedBlockingQueue<>();
    ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
    WatchGrpc.newStub(channel).subscribe(WatchRequest.getDefaultInstance(),
        new ClientResponseObserver<WatchRequest, ViewSnapshot>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requestStream.disableAutoRequestWithInitial(0); // reads nothing until told
            call[0] = requestStream;
          }

          @Override
          public void onNext(ViewSnapshot value) {
            received.add(value);
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    awaitSubscribers(1);
    int published = 100_000;
    for (int i = 0; i < published; i++) {
      service.tick(view(true)); // returns although nobody reads: the stream holds one snapshot at most
    }
    long publishedBytes = (long) published * ViewWire.toProto(view(true).snapshot(ViewWire.fromProto(
        WatchRequest.getDefaultInstance()))).getSerializedSize();
    call[0].request(Integer.MAX_VALUE);
    ViewSnapshot first = received.poll(5, TimeUnit.SECONDS);
    assertEquals(1500, first.getTotals().getSent().getBytes());
    Thread.sleep(500);
    // What reaches the client is what HTTP/2 flow control let through before the stream stopped
    // being ready (a window of about 1 MiB), plus the newest: not the hundred thousand published.
    long receivedBytes = first.getSerializedSize() + received.stream().mapToLong(ViewSnapshot::getSerializedSize).sum();
    assertTrue(receivedBytes < 4L << 20, "received " + receivedBytes + " bytes of " + publishedBytes + " published");
    assertTrue(publishedBytes > 5 * receivedBytes);
  }
}
