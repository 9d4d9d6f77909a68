package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.auth.ScriptCertificates;
import io.clustertop.collector.CollectorServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server beyond loopback without mutual TLS (the collector, its metrics, an agent's --listen)
 * does not start unless told --insecure, and then says so at start and on /metrics. Binds 0.0.0.0 on
 * ephemeral ports for a moment, and talks to them over 127.0.0.1 only.
 */
class ExposureTest {
  @TempDir
  static Path dir;
  static ScriptCertificates certs;

  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;

  @BeforeAll
  static void certificates() throws Exception {
    certs = new ScriptCertificates(dir).make("collector", "collector", "--ip", "127.0.0.1");
  }

  @BeforeEach
  void captureStderr() {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Logging.configure(false, Logging.Format.TEXT); // as Main does: the log on (this) standard error
  }

  @AfterEach
  void restoreStderr() {
    System.setErr(savedErr);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private void assertRefused(String expected, String... args) {
    err.reset();
    assertEquals(ExitStatus.USAGE, Main.run(args), this::stderr);
    List<String> lines = stderr().lines().toList();
    assertEquals(1, lines.size(), this::stderr);
    assertEquals("clustertop: " + expected, lines.getFirst());
  }

  private static final String OPEN = " is beyond loopback without mutual TLS: anyone who reaches it could send for any"
      + " node and watch every view; give --tls-cert, --tls-key and --tls-ca (clustertop-certs makes them), or"
      + " --insecure to allow it";

  @Test
  void beyondLoopbackWithoutMutualTlsIsRefused() throws Exception {
    String cert = certs.certificate("collector").toString();
    String key = certs.key("collector").toString();
    assertRefused("--listen 0.0.0.0:0" + OPEN, "collector", "--listen", "0.0.0.0:0");
    // TLS without client certificates is no better: anyone may still send for any node
    assertRefused("--listen 0.0.0.0:0" + OPEN, "collector", "--listen", "0.0.0.0:0", "--tls-cert", cert, "--tls-key", key);
    assertRefused("--metrics-listen 0.0.0.0:0" + OPEN, "collector", "--metrics-listen", "0.0.0.0:0");
    assertRefused("--listen 0.0.0.0:0" + OPEN, "agent", "--collector", "127.0.0.1:1", "-r",
        MainTest.capture("mix.pcap").toString(), "--listen", "0.0.0.0:0");
    assertRefused("--listen 0.0.0.0:0" + OPEN, "demo", "--listen", "0.0.0.0:0");
  }

  @Test
  void badPoliciesAndPoliciesWithoutMutualTlsAreOneLine() throws Exception {
    Path policy = Files.writeString(dir.resolve("policy"), "cn:alice console\ncn:bob root\n");
    String[] tls = {"--tls-cert", certs.certificate("collector").toString(), "--tls-key",
        certs.key("collector").toString(), "--tls-ca", certs.ca().toString()};
    assertRefused("--auth-policy " + policy + ":2: unknown role 'root' (agent, console, operator)",
        TlsTest.join(new String[] {"collector", "--listen", "127.0.0.1:0", "--auth-policy", policy.toString()}, tls));
    assertRefused("--auth-policy needs mutual TLS (--tls-cert, --tls-key and --tls-ca): without client certificates"
        + " there is no identity to give roles to", "collector", "--listen", "127.0.0.1:0", "--auth-policy", policy.toString());
    assertRefused("--auth-policy " + dir.resolve("none") + ": cannot read it (" + dir.resolve("none") + ")",
        TlsTest.join(new String[] {"collector", "--listen", "127.0.0.1:0", "--auth-policy", dir.resolve("none").toString()}, tls));
  }

  @Test
  void withInsecureItStartsAndSaysSoAtStartAndOnMetrics() throws Exception {
    CollectorServer server = TestCollector.start("--listen", "0.0.0.0:0", "--metrics-listen", "127.0.0.1:0", "--insecure");
    try {
      assertTrue(stderr().contains(" WARNING ServerAccessOptions: INSECURE (--insecure): the collector's --listen 0.0.0.0:0"
          + " takes anyone who reaches it, without client certificates\n"), stderr());
      HttpResponse<String> metrics;
      try (HttpClient client = HttpClient.newHttpClient()) {
        metrics = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
            + server.metricsEndpoint().address().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
      }
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().lines().anyMatch("clustertop_insecure 1"::equals), metrics.body());
    } finally {
      server.stop();
    }
  }

  @Test
  void withMutualTlsBeyondLoopbackItStartsWithoutAWord() throws Exception {
    CollectorCommand command = TestCollector.parse("--listen", "0.0.0.0:0", "--tls-cert", certs.certificate("collector").toString(),
        "--tls-key", certs.key("collector").toString(), "--tls-ca", certs.ca().toString());
    CollectorServer server = command.start();
    try {
      assertTrue(stderr().contains(" INFO CollectorCommand: listening on 0.0.0.0:" + server.port() + " (mutual TLS)\n"),
          stderr());
      assertTrue(!stderr().contains("INSECURE"), stderr());
    } finally {
      server.stop();
      command.tls.close();
    }
  }
}
