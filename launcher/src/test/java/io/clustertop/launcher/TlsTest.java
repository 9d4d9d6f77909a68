package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clustertop.collector.CollectorServer;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.InputStream;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS end to end over 127.0.0.1, with certificates made by the project's own script
 * (bin/clustertop-certs, as the README's "A cluster on real hosts" makes them): a collector that
 * requires client certificates, an agent replaying a capture into it with its node's certificate,
 * a console reading the view back with a client's; a client without the CA or without a
 * certificate gets nothing.
 */
class TlsTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void certificates() throws Exception {
    assumeTrue(new File("/usr/bin/openssl").canExecute(), "needs openssl to make test certificates");
    certs("ca");
    certs("collector", "server", "--ip", "127.0.0.1");
    certs("node", "n1", "--ip", "10.77.0.1", "--ip", "fd77::1");
    certs("client", "console");
  }

  private static void certs(String... args) throws IOException, InterruptedException {
    Path script = Path.of("..", "bin", "clustertop-certs").toAbsolutePath().normalize();
    String[] command = new String[args.length + 2];
    command[0] = script.toString();
    command[1] = dir.toString();
    System.arraycopy(args, 0, command, 2, args.length);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, output);
  }

  @Test
  void aNodeCertificateCarriesTheNodesIdentityAndAddresses() throws Exception {
    X509Certificate node;
    try (InputStream in = Files.newInputStream(dir.resolve("n1.pem"))) {
      node = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
    // subjectAltName entries: 6 is a URI, 7 an IP address.
    List<String> names = node.getSubjectAlternativeNames().stream().map(n -> n.get(0) + " " + n.get(1)).toList();
    assertEquals(List.of("6 clustertop://node/n1", "7 10.77.0.1", "7 fd77:0:0:0:0:0:0:1"), names);
    assertEquals(List.of("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"), node.getExtendedKeyUsage(), "server and client");
  }

  private static String file(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void agentAndConsoleSpeakMutualTlsWithTheCollector(@TempDir Path state) throws Exception {
    CollectorServer server = TestCollector.start("--listen", "127.0.0.1:0",
        "--tls-cert", file("server.pem"), "--tls-key", file("server.key"), "--tls-ca", file("ca.pem"));
    String target = "127.0.0.1:" + server.port();
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      assertEquals(ExitStatus.OK, Main.run("agent", "--collector", target, "-r", MainTest.capture("mix.pcap").toString(),
          "--speed", "0", "--node", "n1", "--address", "10.77.0.1", "--address", "fd77::1",
          "--state-dir", state.toString(),
          "--tls-ca", file("ca.pem"), "--tls-cert", file("n1.pem"), "--tls-key", file("n1.key")));

      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(ExitStatus.OK, Main.run("console", "--connect", target, "--json", "-n", "-N", "-s", "1",
          "--tls-ca", file("ca.pem"), "--tls-cert", file("console.pem"), "--tls-key", file("console.key")));
      String last = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
      assertTrue(last.contains("\"received\":48"), last);

      // without a client certificate, or without trusting the CA: nothing
      assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", target, "--json", "-s", "1",
          "--tls-ca", file("ca.pem")));
      assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", target, "--json", "-s", "1"));
    } finally {
      System.setOut(saved);
      server.stop();
    }
  }

  @Test
  void halfATlsSetupIsAUserError() {
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--tls-cert", file("server.pem")));
    assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", "127.0.0.1:1", "--tls-cert", file("n1.pem"),
        "--tls-key", file("n1.key")));
    assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", "127.0.0.1:1", "--tls-ca", file("missing.pem")));
  }
}
