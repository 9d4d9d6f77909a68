package io.clustertop.auth.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.auth.ScriptCertificates;
import io.clustertop.auth.TlsClient;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files re-read: on demand (SIGHUP's path), when they change, and refused when they do not fit. */
class TlsFilesTest {
  @TempDir
  Path dir;
  ScriptCertificates certs;

  @BeforeEach
  void make() throws Exception {
    certs = new ScriptCertificates(dir).make("collector", "collector", "--ip", "127.0.0.1");
  }

  @Test
  void aReloadUsesTheNewFilesAndAPairCaughtHalfReplacedIsRefused() throws Exception {
    try (TlsFiles files = TlsFiles.open(certs.certificate("collector"), certs.key("collector"), certs.ca(), Duration.ZERO)) {
      BigInteger first = serial(files);
      assertEquals(certs.read("collector").getNotAfter().toInstant(), files.certificateNotAfter());
      // the key of another certificate beside this certificate: refused, the old pair stays
      Path savedKey = dir.resolve("saved.key");
      Files.copy(certs.key("collector"), savedKey);
      certs.make("collector", "collector", "--ip", "127.0.0.1", "--days", "30");
      Files.copy(savedKey, certs.key("collector"), StandardCopyOption.REPLACE_EXISTING);
      String refused = files.reload();
      assertEquals(certs.key("collector") + " is not the key of the certificate in " + certs.certificate("collector"), refused);
      assertEquals(first, serial(files));
      assertEquals(1, files.reloadsRefused());

      certs.make("collector", "collector", "--ip", "127.0.0.1", "--days", "30");
      assertNull(files.reload());
      BigInteger second = serial(files);
      assertNotEquals(first, second);
      assertEquals(certs.read("collector").getSerialNumber(), second);
      assertEquals(certs.read("collector").getNotAfter().toInstant(), files.certificateNotAfter());
      assertEquals(1, files.reloadsApplied());
    }
  }

  @Test
  void changedFilesAreFoundByLookingAtThem() throws Exception {
    try (TlsFiles files = TlsFiles.open(certs.certificate("collector"), certs.key("collector"), certs.ca(),
        Duration.ofMillis(100))) {
      BigInteger first = serial(files);
      certs.make("collector", "collector", "--ip", "127.0.0.1", "--days", "30");
      BigInteger expected = certs.read("collector").getSerialNumber();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (files.reloadsApplied() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertEquals(expected, serial(files));
      assertNotEquals(first, expected);
    }
  }

  @Test
  void unusableFilesAtStartAreOneLine() throws Exception {
    Path missing = dir.resolve("missing.crt");
    TlsFileException e = assertThrows(TlsFileException.class,
        () -> TlsFiles.open(missing, certs.key("collector"), null, Duration.ZERO));
    assertTrue(e.getMessage().startsWith(missing + ": cannot read the certificate"), e.getMessage());
    Files.writeString(dir.resolve("junk.key"), "not a key\n");
    e = assertThrows(TlsFileException.class,
        () -> TlsFiles.open(certs.certificate("collector"), dir.resolve("junk.key"), null, Duration.ZERO));
    assertTrue(e.getMessage().startsWith(dir.resolve("junk.key") + ": cannot read the key"), e.getMessage());
    assertEquals("a certificate and its key go together", assertThrows(TlsFileException.class,
        () -> TlsFiles.open(certs.certificate("collector"), null, null, Duration.ZERO)).getMessage());
  }

  /** The serial of the certificate a new TLS connection to a server with these files is shown. */
  private BigInteger serial(TlsFiles files) throws Exception {
    try (var listener = (javax.net.ssl.SSLServerSocket) files.serverContext().getServerSocketFactory()
        .createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Thread accept = Thread.ofVirtual().start(() -> {
        try (var s = (javax.net.ssl.SSLSocket) listener.accept()) {
          s.startHandshake();
        } catch (Exception ignored) {
          // the client has what it needs once the handshake is done
        }
      });
      BigInteger serial = new TlsClient(certs, "collector").serverSerial(listener.getLocalPort());
      accept.join(10_000);
      return serial;
    }
  }
}
