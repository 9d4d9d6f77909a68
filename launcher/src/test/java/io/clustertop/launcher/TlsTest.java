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
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS end to end over 127.0.0.1: a collector that requires client certificates, an agent
 * replaying a capture into it, a console reading the view back; a client without the CA or without
 * a certificate gets nothing. Certificates are made here with openssl.
 */
class TlsTest {
  @TempDir
  static Path dir;

  @BeforeAll
  static void certificates() throws Exception {
    assumeTrue(new File("/usr/bin/openssl").canExecute(), "needs openssl to make test certificates");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=test CA", "-keyout", "ca.key", "-out", "ca.pem");
    for (String who : List.of("server", "client")) {
      openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + who,
          "-keyout", who + ".key", "-out", who + ".csr");
      Files.writeString(dir.resolve(who + ".ext"), "subjectAltName=IP:127.0.0.1\n");
      openssl("x509", "-req", "-in", who + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
          "-days", "2", "-extfile", who + ".ext", "-out", who + ".pem");
      openssl("pkcs8", "-topk8", "-nocrypt", "-in", who + ".key", "-out", who + ".pk8");
    }
  }

  private static void openssl(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, output);
  }

  private static String file(String name) {
    return dir.resolve(name).toString();
  }

  @Test
  void agentAndConsoleSpeakMutualTlsWithTheCollector(@TempDir Path state) throws Exception {
    CollectorServer server = TestCollector.start("--listen", "127.0.0.1:0",
        "--tls-cert", file("server.pem"), "--tls-key", file("server.pk8"), "--tls-ca", file("ca.pem"));
    String target = "127.0.0.1:" + server.port();
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      assertEquals(ExitStatus.OK, Main.run("agent", "--collector", target, "-r", MainTest.capture("mix.pcap").toString(),
          "--speed", "0", "--node", "n1", "--address", "10.77.0.1", "--address", "fd77::1",
          "--state-dir", state.toString(),
          "--tls-ca", file("ca.pem"), "--tls-cert", file("client.pem"), "--tls-key", file("client.pk8")));

      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(ExitStatus.OK, Main.run("console", "--connect", target, "--json", "-n", "-N", "-s", "1",
          "--tls-ca", file("ca.pem"), "--tls-cert", file("client.pem"), "--tls-key", file("client.pk8")));
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
    assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", "127.0.0.1:1", "--tls-cert", file("client.pem"),
        "--tls-key", file("client.pk8")));
    assertEquals(ExitStatus.USAGE, Main.run("console", "--connect", "127.0.0.1:1", "--tls-ca", file("missing.pem")));
  }
}
