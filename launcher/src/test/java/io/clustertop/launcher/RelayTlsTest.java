package io.clustertop.launcher;

import static io.clustertop.launcher.TlsTest.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.auth.ScriptCertificates;
import io.clustertop.auth.tls.TlsFiles;
import io.clustertop.collector.CollectorServer;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.relay.RelayServer;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay on mutual TLS with the project's certificates (bin/clustertop-certs): two collectors that
 * want client certificates, a relay whose certificate serves consoles and holds the console role at
 * the shards, a console through the relay. A node's certificate may not watch the relay; a relay
 * whose certificate lacks the console role is refused by its shards, and its view says so.
 */
class RelayTlsTest {
  @RegisterExtension
  final StandardStreams streams = new StandardStreams();

  /** What {@code clustertop ARGS} printed on standard output. */
  private String stdoutOf(String... args) {
    streams.reset();
    Main.run(args);
    return streams.stdout();
  }
  @TempDir
  static Path dir;
  static ScriptCertificates certs;

  @BeforeAll
  static void certificates() throws Exception {
    certs = new ScriptCertificates(dir)
        .make("collector", "collector", "--dns", "localhost", "--ip", "127.0.0.1")
        .make("collector", "relay", "--dns", "localhost", "--ip", "127.0.0.1", "--role", "console")
        .make("collector", "bare-relay", "--dns", "localhost", "--ip", "127.0.0.1")
        .make("node", "n1", "--ip", "10.77.0.1")
        .make("console", "alice");
  }

  private static String[] tlsOf(String name) {
    return new String[] {"--tls-ca", certs.ca().toString(), "--tls-cert", certs.certificate(name).toString(),
        "--tls-key", certs.key(name).toString()};
  }

  @Test
  void aConsoleThroughARelayOfTwoShardsOnMutualTls() throws Exception {
    CollectorCommand first = TestCollector.parse(join(tlsOf("collector"), "--listen", "127.0.0.1:0"));
    CollectorCommand second = TestCollector.parse(join(tlsOf("collector"), "--listen", "127.0.0.1:0"));
    CollectorServer a = first.start();
    CollectorServer b = second.start();
    String shards = "127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port();
    RelayCommand relayCommand = relay("relay", shards);
    RelayServer relay = relayCommand.start();
    RelayCommand bareCommand = relay("bare-relay", shards);
    RelayServer bare = bareCommand.start();
    try {
      String target = "127.0.0.1:" + relay.port();
      List<String> text = stdoutOf(join(new String[] {"console", "--connect", target, "-t", "-n", "-N", "-s", "5"},
          tlsOf("alice"))).lines().toList();
      String relayLine = text.stream().filter(l -> l.startsWith("Relay:")).findFirst().orElse(String.join("\n", text));
      assertTrue(relayLine.startsWith("Relay: 2 of 2 shards answering") && relayLine.endsWith("; rows exact"), relayLine);

      // a node's certificate may send its batches, not watch: the relay's gate is the collector's
      assertEquals(Status.Code.PERMISSION_DENIED, watch(relay.port(), "n1"));

      // a relay without the console role at its shards: refused there, and its view says why
      String bareTarget = "127.0.0.1:" + bare.port();
      List<String> bareText = stdoutOf(join(new String[] {"console", "--connect", bareTarget, "-t", "-n", "-N",
          "-s", "5"}, tlsOf("alice"))).lines().toList();
      String line = bareText.stream().filter(l -> l.startsWith("Relay:")).findFirst().orElse(String.join("\n", bareText));
      assertTrue(line.startsWith("Relay: 0 of 2 shards answering (127.0.0.1:" + a.port() + ": PERMISSION_DENIED"), line);
      assertTrue(line.contains("needs the role console or operator"), line);
    } finally {
      relay.stop();
      bare.stop();
      a.stop();
      b.stop();
      relayCommand.tls.close();
      bareCommand.tls.close();
      first.tls.close();
      second.tls.close();
    }
  }

  private static RelayCommand relay(String certificate, String shards) {
    RelayCommand command = new RelayCommand();
    new picocli.CommandLine(command).parseArgs(join(tlsOf(certificate), "--shards", shards, "--listen", "127.0.0.1:0"));
    return command;
  }

  /** How a watch of the relay with {@code name}'s certificate ends before its first view (OK: it got one). */
  private static Status.Code watch(int port, String name) throws Exception {
    try (TlsFiles files = TlsFiles.open(certs.certificate(name), certs.key(name), certs.ca(), Duration.ofMinutes(1))) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port, files.channelCredentials()).build();
      try {
        WatchGrpc.newBlockingStub(channel).subscribe(WatchRequest.getDefaultInstance()).hasNext();
        return Status.Code.OK;
      } catch (StatusRuntimeException e) {
        return e.getStatus().getCode();
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
