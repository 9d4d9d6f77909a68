package io.clustertop.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.capture.CompilingCapture;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.proto.v1.CaptureFilterReply;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Watch.SetCaptureFilter on an agent: allowed or not, a live source or a file, a good or bad expression. */
class NodeWatchFilterTest {
  private Server server;
  private ManagedChannel channel;
  private CompilingCapture capture;
  private Thread loop;

  private WatchGrpc.WatchBlockingStub serve(NodeWatchService service) throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    return WatchGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  private PacketSource liveCapture() throws Exception {
    capture = new CompilingCapture();
    loop = Thread.ofPlatform().name("capture").start(() -> capture.run(null));
    return capture;
  }

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (capture != null) {
      capture.stop();
      loop.join(5_000);
      capture.close();
    }
  }

  private static CaptureFilterRequest filter(String expression) {
    return CaptureFilterRequest.newBuilder().setExpression(expression).build();
  }

  @Test
  void allowedTheCaptureThreadSetsItAndTheReplySaysWhatIsInForce() throws Exception {
    WatchGrpc.WatchBlockingStub watch = serve(new NodeWatchService(liveCapture()));
    CaptureFilterReply reply = watch.setCaptureFilter(filter("udp port 53"));
    assertEquals("udp port 53", reply.getExpression());
    assertEquals("test0", reply.getSource());
    assertEquals("udp port 53", capture.installed);
    assertEquals(loop, capture.installedOn);
  }

  @Test
  void withoutTheFlagItIsRefused() throws Exception {
    WatchGrpc.WatchBlockingStub watch = serve(new NodeWatchService());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> watch.setCaptureFilter(filter("tcp")));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("--allow-filter-change"), e.getStatus().getDescription());
  }

  @Test
  void aBadExpressionIsAnInvalidArgumentWithLibpcapsMessageAndTheOldFilterStays() throws Exception {
    WatchGrpc.WatchBlockingStub watch = serve(new NodeWatchService(liveCapture()));
    watch.setCaptureFilter(filter("tcp"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> watch.setCaptureFilter(filter("host 10.77.0.1 and")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains("syntax error"), e.getStatus().getDescription());
    assertEquals("tcp", capture.installed);
  }

  @Test
  void aReplayedFileIsRefused() throws Exception {
    try (CaptureFile file = CaptureFile.open(Path.of("src/test/resources/captures/mix.pcap"))) {
      WatchGrpc.WatchBlockingStub watch = serve(new NodeWatchService(file));
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> watch.setCaptureFilter(filter("tcp")));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().startsWith("reading a file: "), e.getStatus().getDescription());
    }
  }
}
