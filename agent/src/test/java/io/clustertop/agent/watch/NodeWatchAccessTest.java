package io.clustertop.agent.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.agent.capture.CompilingCapture;
import io.clustertop.agent.stream.GrpcThreads;
import io.clustertop.auth.AccessInterceptor;
import io.clustertop.auth.AuthMetrics;
import io.clustertop.auth.Operation;
import io.clustertop.auth.RolePolicy;
import io.clustertop.auth.ScriptCertificates;
import io.clustertop.auth.tls.TlsFiles;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's --listen over real mutual TLS on 127.0.0.1 with the script's certificates, behind the
 * roles' gate, started with --allow-filter-change: only an operator changes the capture filter; a
 * node's own agent certificate watches nothing. The capture is {@link CompilingCapture} (a live
 * source's loop without an interface: libpcap compiles each filter on the capture thread).
 */
class NodeWatchAccessTest {
  @TempDir
  static Path dir;
  static ScriptCertificates certs;

  private CompilingCapture capture;
  private Thread loop;
  private final GrpcThreads threads = new GrpcThreads();
  private NodeWatchServer server;
  private TlsFiles serverFiles;
  private AuthMetrics metrics;

  @BeforeAll
  static void make() throws Exception {
    certs = new ScriptCertificates(dir)
        .make("node", "web-1", "--ip", "127.0.0.1")
        .make("node", "db", "--ip", "10.77.0.2")
        .make("console", "alice")
        .make("operator", "bob");
  }

  private void start() throws Exception {
    capture = new CompilingCapture();
    loop = Thread.ofPlatform().name("capture").start(() -> capture.run(null));
    serverFiles = TlsFiles.open(certs.certificate("web-1"), certs.key("web-1"), certs.ca(), Duration.ZERO);
    metrics = new AuthMetrics(false, serverFiles);
    server = NodeWatchServer.start(new InetSocketAddress("127.0.0.1", 0), serverFiles.serverCredentials(),
        new NodeWatchService(capture), threads, new AccessInterceptor(RolePolicy.FROM_CERTIFICATES, metrics));
  }

  private ManagedChannel as(String name) throws Exception {
    try (TlsFiles files = TlsFiles.open(certs.certificate(name), certs.key(name), certs.ca(), Duration.ZERO)) {
      return NettyChannelBuilder.forAddress("127.0.0.1", server.port(), files.channelCredentials()).build();
    }
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.close();
    }
    if (capture != null) {
      capture.stop();
      loop.join(5_000);
      capture.close();
    }
    if (serverFiles != null) {
      serverFiles.close();
    }
    threads.close();
  }

  private static CaptureFilterRequest filter(String expression) {
    return CaptureFilterRequest.newBuilder().setExpression(expression).build();
  }

  @Test
  void onlyAnOperatorChangesTheFilter() throws Exception {
    start();
    for (String name : new String[] {"alice", "web-1", "db"}) {
      ManagedChannel channel = as(name);
      try {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> WatchGrpc.newBlockingStub(channel)
            .withDeadlineAfter(20, TimeUnit.SECONDS).setCaptureFilter(filter("udp port 53")));
        assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), name);
      } finally {
        channel.shutdownNow();
      }
    }
    assertEquals("", capture.installed, "nothing refused was applied");
    assertEquals(3, metrics.refusedCount(Operation.CHANGE_FILTER));

    ManagedChannel bob = as("bob");
    try {
      assertEquals("udp port 53", WatchGrpc.newBlockingStub(bob).withDeadlineAfter(20, TimeUnit.SECONDS)
          .setCaptureFilter(filter("udp port 53")).getExpression());
      assertEquals("udp port 53", capture.installed);
      assertEquals(loop, capture.installedOn);
    } finally {
      bob.shutdownNow();
    }
  }

  @Test
  void anAgentCertificateWatchesNothing() throws Exception {
    start();
    ManagedChannel web = as("web-1");
    try {
      Iterator<ViewSnapshot> views = WatchGrpc.newBlockingStub(web).withDeadlineAfter(20, TimeUnit.SECONDS)
          .subscribe(WatchRequest.getDefaultInstance());
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, views::hasNext);
      assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
      assertEquals("watching (Watch.Subscribe) needs the role console or operator; node web-1 (agent) does not hold it",
          e.getStatus().getDescription());
      assertEquals(1, metrics.refusedCount(Operation.WATCH));
    } finally {
      web.shutdownNow();
    }
  }
}
