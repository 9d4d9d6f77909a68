package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.auth.IngestCalls;
import io.clustertop.auth.ScriptCertificates;
import io.clustertop.auth.TlsClient;
import io.clustertop.collector.CollectorServer;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.NodeStatus;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.auth.tls.TlsFiles;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS end to end over 127.0.0.1 with certificates made by the project's script
 * (bin/clustertop-certs, as the README's "A cluster on real hosts" makes them): a collector
 * requiring client certificates, an agent (node n1) replaying a capture into it, consoles reading it
 * back; each certificate may do what its role allows and nothing else, and the honest agent's
 * figures stay exact through every refused attempt. What the script writes into each certificate:
 * auth's CertificateScriptTest.
 */
class TlsTest {
  /** mix.pcap as node n1 (10.77.0.1, fd77::1), from tshark's count (mix.expected). */
  static final long SENT_BYTES = 6964 + 168 + 7896;
  static final long RECEIVED_BYTES = 6388 + 1568 + 1500 + 168 + 1656 + 1496 + 6616;

  @TempDir
  static Path dir;
  static ScriptCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = new ScriptCertificates(dir)
        .make("collector", "collector", "--dns", "localhost", "--ip", "127.0.0.1")
        .make("node", "n1", "--ip", "10.77.0.1", "--ip", "fd77::1")
        .make("node", "n2", "--ip", "10.77.0.2")
        .make("console", "alice")
        .make("operator", "bob");
  }

  static String file(Path p) {
    return p.toString();
  }

  /** --tls-ca, --tls-cert, --tls-key for {@code name}'s certificate. */
  static String[] tlsOf(String name) {
    return new String[] {"--tls-ca", file(certs.ca()), "--tls-cert", file(certs.certificate(name)),
        "--tls-key", file(certs.key(name))};
  }

  static String[] join(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  static ManagedChannel channel(int port, String name) throws Exception {
    try (TlsFiles files = TlsFiles.open(certs.certificate(name), certs.key(name), certs.ca(), Duration.ofMinutes(1))) {
      return NettyChannelBuilder.forAddress("127.0.0.1", port, files.channelCredentials()).build();
    }
  }

  /** One line of the collector's /metrics, as a console scrapes it: "name{labels} value". */
  static long metric(int metricsPort, String sample) throws Exception {
    return metric(certs, metricsPort, sample);
  }

  /** The same with the console certificate "alice" of {@code certificates}. */
  static long metric(ScriptCertificates certificates, int metricsPort, String sample) throws Exception {
    String body = new TlsClient(certificates, "alice").metrics(metricsPort).body();
    return body.lines().filter(l -> l.startsWith(sample + " ")).map(l -> Long.parseLong(l.substring(sample.length() + 1)))
        .findFirst().orElseThrow(() -> new AssertionError("no " + sample + " in\n" + body));
  }

  /** A collector requiring client certificates of the script's CA, and serving /metrics, on ephemeral ports. */
  static CollectorCommand collector() {
    return TestCollector.parse(join(tlsOf("collector"), "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0"));
  }

  /** The agent command that replays mix.pcap as node n1, with n1's certificate, into the collector on {@code port}. */
  static String[] n1Replay(int port, Path state) throws Exception {
    return join(new String[] {"agent", "--collector", "127.0.0.1:" + port, "-r", MainTest.capture("mix.pcap").toString(),
        "--speed", "0", "--node", "n1", "--address", "10.77.0.1", "--address", "fd77::1", "--state-dir",
        state.toString()}, tlsOf("n1"));
  }

  @Test
  void eachCertificateMayDoWhatItsRoleAllowsAndTheHonestAgentsFiguresStayExact(@TempDir Path state) throws Exception {
    CollectorCommand command = collector();
    CollectorServer server = command.start();
    int port = server.port();
    int metricsPort = server.metricsEndpoint().address().getPort();
    String target = "127.0.0.1:" + port;
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ManagedChannel alice = channel(port, "alice");
    ManagedChannel n1 = channel(port, "n1");
    ManagedChannel bob = channel(port, "bob");
    try {
      assertEquals(ExitStatus.OK, Main.run(n1Replay(port, state)));
      assertEquals(SENT_BYTES, metric(metricsPort, "clustertop_node_sent_bytes_total{node=\"n1\"}"));
      assertEquals(RECEIVED_BYTES, metric(metricsPort, "clustertop_node_received_bytes_total{node=\"n1\"}"));

      // a console certificate cannot ingest, not even a Hello: refused before anything is read
      StatusRuntimeException ingest = assertThrows(StatusRuntimeException.class, () -> hello(alice, "n1"));
      assertEquals(Status.Code.PERMISSION_DENIED, ingest.getStatus().getCode());
      assertEquals("sending batches (Ingest.Stream) needs the role agent; CN=alice (console) does not hold it",
          ingest.getStatus().getDescription());
      assertEquals(1, metric(metricsPort, "clustertop_auth_refused_total{operation=\"ingest\",needs=\"agent\"}"));
      assertEquals(1, server.cluster().agentCount());

      // an agent certificate cannot watch
      Iterator<ViewSnapshot> views = WatchGrpc.newBlockingStub(n1).withDeadlineAfter(20, TimeUnit.SECONDS)
          .subscribe(WatchRequest.getDefaultInstance());
      StatusRuntimeException watch = assertThrows(StatusRuntimeException.class, views::hasNext);
      assertEquals(Status.Code.PERMISSION_DENIED, watch.getStatus().getCode());
      assertEquals("watching (Watch.Subscribe) needs the role console or operator; node n1 (agent) does not hold it",
          watch.getStatus().getDescription());

      // a filter change needs the operator role; the collector itself captures nothing, so the
      // operator passes the gate and hears that
      StatusRuntimeException console = assertThrows(StatusRuntimeException.class, () -> WatchGrpc.newBlockingStub(alice)
          .withDeadlineAfter(20, TimeUnit.SECONDS).setCaptureFilter(CaptureFilterRequest.newBuilder().setExpression("tcp").build()));
      assertEquals(Status.Code.PERMISSION_DENIED, console.getStatus().getCode());
      StatusRuntimeException operator = assertThrows(StatusRuntimeException.class, () -> WatchGrpc.newBlockingStub(bob)
          .withDeadlineAfter(20, TimeUnit.SECONDS).setCaptureFilter(CaptureFilterRequest.newBuilder().setExpression("tcp").build()));
      assertEquals(Status.Code.UNIMPLEMENTED, operator.getStatus().getCode());

      // /metrics over HTTPS: a console reads it, an agent's certificate does not
      HttpResponse<String> refused = new TlsClient(certs, "n1").metrics(metricsPort);
      assertEquals(403, refused.statusCode());
      assertEquals("reading /metrics needs the role console or operator; node n1 (agent) does not hold it\n", refused.body());
      assertEquals(0, metric(metricsPort, "clustertop_insecure"));
      assertEquals(certs.read("collector").getNotAfter().toInstant().getEpochSecond(),
          metric(metricsPort, "clustertop_tls_certificate_expiry_timestamp_seconds{file=\"cert\"}"));
      assertEquals(1, metric(metricsPort, "clustertop_auth_refused_total{operation=\"watch\",needs=\"console or operator\"}"));
      assertEquals(1, metric(metricsPort, "clustertop_auth_refused_total{operation=\"change_filter\",needs=\"operator\"}"));
      assertEquals(1, metric(metricsPort, "clustertop_auth_refused_total{operation=\"read_metrics\",needs=\"console or operator\"}"));

      // the console with its certificate reads the view; the node's figures are exactly the capture's
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(ExitStatus.OK, Main.run(join(new String[] {"console", "--connect", target, "--json", "-n", "-N",
          "-s", "1"}, tlsOf("alice"))));
      String last = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
      assertTrue(last.contains("\"received\":48"), last);
      assertEquals(SENT_BYTES, metric(metricsPort, "clustertop_node_sent_bytes_total{node=\"n1\"}"));
      assertEquals(RECEIVED_BYTES, metric(metricsPort, "clustertop_node_received_bytes_total{node=\"n1\"}"));

      // without a client certificate, or without trusting the CA: nothing
      assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", target, "--json", "-s", "1",
          "--tls-ca", file(certs.ca())));
      assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", target, "--json", "-s", "1"));
    } finally {
      System.setOut(saved);
      alice.shutdownNow();
      n1.shutdownNow();
      bob.shutdownNow();
      server.stop();
      command.tls.close();
    }
  }

  /**
   * Who may speak for a node, over mutual TLS: the node a certificate names, and nothing else. n2's
   * certificate cannot send for n1, cannot take n1's agent id (with a later epoch, or 2^63-1), and
   * cannot announce an internet host's address or n1's; each is refused before anything changes,
   * counted, and the address claim shown on n2's status; n1's figures and egress stay exact, and the
   * real n1 agent, restarted, is taken as before.
   */
  @Test
  void aNodesCertificateSpeaksForItsNodeOnly(@TempDir Path state) throws Exception {
    CollectorCommand command = collector();
    CollectorServer server = command.start();
    int port = server.port();
    int metricsPort = server.metricsEndpoint().address().getPort();
    String[] agent = n1Replay(port, state);
    ManagedChannel alice = channel(port, "alice");
    ManagedChannel n2 = channel(port, "n2");
    try {
      assertEquals(ExitStatus.OK, Main.run(agent));
      List<String> honest = n1Figures(metricsPort);
      assertTrue(honest.contains("clustertop_node_sent_bytes_total{node=\"n1\"} " + SENT_BYTES), honest.toString());
      NodeStatus n1 = nodes(alice).getFirst();
      long now = System.currentTimeMillis() * 1_000_000L;

      // n2 for n1
      StatusRuntimeException forN1 = assertThrows(StatusRuntimeException.class,
          () -> IngestCalls.send(n2, List.of(hello("n1", ByteString.copyFrom(new byte[16]), now))));
      assertEquals(Status.Code.PERMISSION_DENIED, forN1.getStatus().getCode());
      assertEquals("the certificate of node n2 may not send for node n1", forN1.getStatus().getDescription());
      // n1's agent id, under n2's own name, a later epoch: the id is n1's
      StatusRuntimeException hijack = assertThrows(StatusRuntimeException.class,
          () -> IngestCalls.send(n2, List.of(hello("n2", n1.getAgentId(), now))));
      assertEquals(Status.Code.PERMISSION_DENIED, hijack.getStatus().getCode());
      assertEquals("agent " + HexFormat.of().formatHex(n1.getAgentId().toByteArray())
          + " belongs to node n1, not to node n2", hijack.getStatus().getDescription());
      assertEquals(2, metric(metricsPort, "clustertop_ingest_rejected_total{reason=\"identity\"}"));
      // ... and with the highest epoch there is, no start time
      StatusRuntimeException highest = assertThrows(StatusRuntimeException.class,
          () -> IngestCalls.send(n2, List.of(hello("n2", n1.getAgentId(), Long.MAX_VALUE))));
      assertEquals(Status.Code.INVALID_ARGUMENT, highest.getStatus().getCode());
      // addresses that are not n2's: an internet host n1 talks to, n1's own
      for (String address : List.of("203.0.113.1", "10.77.0.1")) {
        StatusRuntimeException claim = assertThrows(StatusRuntimeException.class, () -> IngestCalls.send(n2,
            List.of(hello("n2", ByteString.copyFrom(new byte[16]), now, address))));
        assertEquals(Status.Code.PERMISSION_DENIED, claim.getStatus().getCode());
        assertEquals("node n2 may not announce " + address + ": not among its certificate's IP addresses",
            claim.getStatus().getDescription());
      }
      assertEquals(2, metric(metricsPort, "clustertop_ingest_rejected_total{reason=\"address_claim\"}"));
      assertEquals(1, metric(metricsPort, "clustertop_agents_address_refused"));
      List<NodeStatus> nodes = nodes(alice);
      assertEquals(List.of("n1", "n2"), nodes.stream().map(NodeStatus::getNode).toList());
      assertEquals(n1.getEpoch(), nodes.get(0).getEpoch());
      assertEquals("", nodes.get(0).getState());
      assertEquals("address refused: 10.77.0.1", nodes.get(1).getState());
      assertEquals(1, server.cluster().agentCount());
      assertEquals(honest, n1Figures(metricsPort));

      // n2 as itself, with its own address: taken (and, having sent nothing, gone with its stream)
      IngestCalls.send(n2, List.of(hello("n2", ByteString.copyFrom(new byte[16]), now, "10.77.0.2")));
      assertEquals(List.of("n1"), nodesOnceGone(alice, "n2"));
      assertEquals(0, metric(metricsPort, "clustertop_agents_address_refused"));
      // the real n1 agent restarts (a new epoch, its own id): taken, and counts on
      assertEquals(ExitStatus.OK, Main.run(agent));
      assertEquals(2 * SENT_BYTES, metric(metricsPort, "clustertop_node_sent_bytes_total{node=\"n1\"}"));
      assertEquals(2 * RECEIVED_BYTES, metric(metricsPort, "clustertop_node_received_bytes_total{node=\"n1\"}"));
      assertTrue(nodes(alice).getFirst().getRestarted());
    } finally {
      alice.shutdownNow();
      n2.shutdownNow();
      server.stop();
      command.tls.close();
    }
  }

  /** n1's own figures and its cost by class and direction, as /metrics says them. */
  private static List<String> n1Figures(int metricsPort) throws Exception {
    return new TlsClient(certs, "alice").metrics(metricsPort).body().lines()
        .filter(l -> l.startsWith("clustertop_node_") && l.contains("node=\"n1\"")
            || l.startsWith("clustertop_cost_bytes_total{node=\"n1\""))
        .toList();
  }

  /**
   * The cluster's node names once {@code gone} has left: the client's call ends before the server has
   * seen its stream end, so a look at once may still find it (seen once on a loaded machine). Waits
   * up to 20 s, then returns what there is for the caller's assertion.
   */
  private static List<String> nodesOnceGone(ManagedChannel console, String gone) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> names = nodes(console).stream().map(NodeStatus::getNode).toList();
    while (names.contains(gone) && System.nanoTime() < deadline) {
      Thread.sleep(100);
      names = nodes(console).stream().map(NodeStatus::getNode).toList();
    }
    return names;
  }

  /** The cluster's node statuses, as a console sees them. */
  private static List<NodeStatus> nodes(ManagedChannel console) {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      return context.call(() -> WatchGrpc.newBlockingStub(console).withDeadlineAfter(20, TimeUnit.SECONDS)
          .subscribe(WatchRequest.getDefaultInstance()).next().getNodesList());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      context.cancel(null);
    }
  }

  private static AgentMessage hello(String node, ByteString agentId, long epoch, String... addresses) {
    AgentIdentity.Builder identity = AgentIdentity.newBuilder().setNode(node).setAgentId(agentId).setEpoch(epoch);
    for (String a : addresses) {
      identity.addAddresses(ByteString.copyFrom(io.clustertop.core.flow.IpAddress.parse(a).bytes()));
    }
    return AgentMessage.newBuilder().setHello(Hello.newBuilder().setIdentity(identity).setOldestHeldSequence(1)).build();
  }

  /** Opens an ingest stream and sends a Hello for {@code node}, with the highest epoch there is. */
  static Ack hello(ManagedChannel channel, String node) throws Exception {
    return IngestCalls.send(channel, java.util.List.of(AgentMessage.newBuilder().setHello(Hello.newBuilder()
        .setIdentity(AgentIdentity.newBuilder().setNode(node).setAgentId(com.google.protobuf.ByteString.copyFrom(
            new byte[16])).setEpoch(Long.MAX_VALUE))).build()));
  }

  @Test
  void halfATlsSetupIsAUserError() {
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--tls-cert",
        file(certs.certificate("collector"))));
    assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", "127.0.0.1:1", "--tls-cert",
        file(certs.certificate("alice")), "--tls-key", file(certs.key("alice"))));
    assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", "127.0.0.1:1", "--tls-ca", file(dir.resolve("missing.pem"))));
  }
}
