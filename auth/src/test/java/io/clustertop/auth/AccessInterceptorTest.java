package io.clustertop.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The interceptor over real mutual TLS on 127.0.0.1, with the script's certificates. */
class AccessInterceptorTest {
  @TempDir
  static Path dir;
  static ScriptCertificates certs;

  @BeforeAll
  static void make() throws Exception {
    certs = new ScriptCertificates(dir)
        .make("collector", "collector", "--ip", "127.0.0.1")
        .make("node", "web-1", "--ip", "127.0.0.1")
        .make("console", "alice")
        .make("operator", "bob");
  }

  private static StatusRuntimeException filterChange(ManagedChannel channel) {
    return assertThrows(StatusRuntimeException.class, () -> WatchGrpc.newBlockingStub(channel)
        .withDeadlineAfter(20, TimeUnit.SECONDS).setCaptureFilter(CaptureFilterRequest.newBuilder().setExpression("tcp").build()));
  }

  @Test
  void eachCertificateMayDoWhatItsRoleAllowsAndTheServiceSeesWhoCalls() throws Exception {
    try (TestServer server = new TestServer(certs, "collector", RolePolicy.FROM_CERTIFICATES)) {
      ManagedChannel alice = server.channel(certs, "alice");
      ManagedChannel bob = server.channel(certs, "bob");
      ManagedChannel web = server.channel(certs, "web-1");
      try {
        StatusRuntimeException refused = filterChange(alice);
        assertEquals(Status.Code.PERMISSION_DENIED, refused.getStatus().getCode());
        assertEquals("changing the capture filter (Watch.SetCaptureFilter) needs the role operator;"
            + " CN=alice (console) does not hold it", refused.getStatus().getDescription());
        assertEquals("CN=bob (operator)", WatchGrpc.newBlockingStub(bob).withDeadlineAfter(20, TimeUnit.SECONDS)
            .setCaptureFilter(CaptureFilterRequest.newBuilder().setExpression("tcp").build()).getSource());
        assertEquals(Status.Code.PERMISSION_DENIED, filterChange(web).getStatus().getCode());

        assertEquals(1, ingest(web, 1));
        StatusRuntimeException ingestRefused = assertThrows(StatusRuntimeException.class, () -> ingest(alice, 1));
        assertEquals("sending batches (Ingest.Stream) needs the role agent; CN=alice (console) does not hold it",
            ingestRefused.getStatus().getDescription());
        assertEquals(1, server.metrics.refusedCount(Operation.INGEST));
        assertEquals(2, server.metrics.refusedCount(Operation.CHANGE_FILTER));
      } finally {
        alice.shutdownNow();
        bob.shutdownNow();
        web.shutdownNow();
      }
    }
  }

  @Test
  void aPolicyFileDecidesInsteadOfTheCertificates() throws Exception {
    Path policy = dir.resolve("policy");
    Files.writeString(policy, "cn:alice operator\nnode:web-*  console\n");
    try (TestServer server = new TestServer(certs, "collector", PolicyFile.read(policy))) {
      ManagedChannel alice = server.channel(certs, "alice");
      ManagedChannel web = server.channel(certs, "web-1");
      ManagedChannel bob = server.channel(certs, "bob");
      try {
        assertEquals("CN=alice (operator)", WatchGrpc.newBlockingStub(alice).withDeadlineAfter(20, TimeUnit.SECONDS)
            .setCaptureFilter(CaptureFilterRequest.getDefaultInstance()).getSource());
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> ingest(web, 1));
        assertEquals("sending batches (Ingest.Stream) needs the role agent; node web-1 (console) does not hold it",
            refused.getStatus().getDescription());
        assertEquals("changing the capture filter (Watch.SetCaptureFilter) needs the role operator;"
            + " CN=bob (no role) does not hold it", filterChange(bob).getStatus().getDescription());
      } finally {
        alice.shutdownNow();
        web.shutdownNow();
        bob.shutdownNow();
      }
    }
  }

  /** Sends {@code messages} empty messages on one ingest stream; the last ack's count, or the stream's error. */
  static long ingest(ManagedChannel channel, int messages) throws Exception {
    return IngestCalls.send(channel, java.util.Collections.nCopies(messages, AgentMessage.getDefaultInstance()))
        .getAppliedThrough();
  }
}
