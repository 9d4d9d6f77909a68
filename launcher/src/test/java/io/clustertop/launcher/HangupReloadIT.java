package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.auth.ScriptCertificates;
import io.clustertop.auth.TlsClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP to a running collector (the packaged command, bin/clustertop) re-reads its TLS files at
 * once, long before its --tls-reload look, and it keeps running: a new connection is shown the new
 * certificate. Needs the packaged jar (failsafe runs after package).
 */
class HangupReloadIT {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  @Test
  void sighupReReadsTheCertificates(@TempDir Path dir) throws Exception {
    ScriptCertificates certs = new ScriptCertificates(dir)
        .make("collector", "collector", "--ip", "127.0.0.1")
        .make("console", "alice");
    Process collector = new ProcessBuilder(Path.of("../bin/clustertop").toAbsolutePath().normalize().toString(),
        "collector", "--listen", "127.0.0.1:0", "--tls-reload", "1h", "--tls-ca", certs.ca().toString(),
        "--tls-cert", certs.certificate("collector").toString(), "--tls-key", certs.key("collector").toString())
        .redirectErrorStream(true).start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(collector.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (java.io.IOException ignored) {
        // the process ended
      }
    });
    try {
      int port = -1;
      while (port < 0) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertNotNull(line, "the collector says where it listens");
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          port = Integer.parseInt(m.group(1));
        }
      }
      TlsClient alice = new TlsClient(certs, "alice");
      BigInteger before = alice.serverSerial(port);
      assertEquals(certs.read("collector").getSerialNumber(), before);

      certs.make("collector", "collector", "--ip", "127.0.0.1");
      BigInteger after = certs.read("collector").getSerialNumber();
      assertNotEquals(before, after);
      Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(collector.pid())).inheritIO().start();
      assertTrue(hup.waitFor(10, TimeUnit.SECONDS) && hup.exitValue() == 0);
      String said;
      do {
        said = lines.poll(60, TimeUnit.SECONDS);
        assertNotNull(said, "the collector answers SIGHUP");
      } while (!said.contains("SIGHUP"));
      assertTrue(said.endsWith(" INFO ReloadOnHangup: SIGHUP: TLS files re-read"), said);
      assertTrue(collector.isAlive(), "SIGHUP does not stop it");
      assertEquals(after, alice.serverSerial(port), "a new connection is shown the new certificate");
    } finally {
      collector.destroy();
      collector.waitFor(20, TimeUnit.SECONDS);
      collector.destroyForcibly();
    }
  }
}
