package io.clustertop.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code bin/clustertop-certs} writes into each kind of certificate, exactly (subjectAltName
 * entries, key usages, files), and its refusals: one line, status 2. What clustertop reads from
 * them is {@link CertificateNamesTest}.
 */
class CertificateScriptTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

  @TempDir
  static Path dir;
  static ScriptCertificates certs;

  @BeforeAll
  static void make() throws Exception {
    certs = new ScriptCertificates(dir)
        .make("collector", "collector.example", "--dns", "localhost", "--ip", "127.0.0.1", "--role", "console")
        .make("node", "n1", "--ip", "10.77.0.1", "--ip", "fd77::1")
        .make("agents", "every-node")
        .make("console", "alice")
        .make("operator", "bob", "--role", "console", "--days", "30");
  }

  /** subjectAltName entries as "TYPE VALUE": 2 is a DNS name, 6 a URI, 7 an IP address. */
  private static List<String> names(String name) throws Exception {
    return certs.read(name).getSubjectAlternativeNames().stream().map(n -> n.get(0) + " " + n.get(1)).toList();
  }

  @Test
  void aNodeCertificateCarriesItsNodeTheAgentRoleAndItsAddressesForBothTlsSides() throws Exception {
    assertEquals(List.of("6 clustertop://node/n1", "6 clustertop://role/agent", "7 10.77.0.1", "7 fd77:0:0:0:0:0:0:1"),
        names("n1"));
    X509Certificate node = certs.read("n1");
    assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), node.getExtendedKeyUsage(), "an agent's --listen serves with it");
    assertTrue(node.getKeyUsage()[0], "digitalSignature");
    assertEquals("CN=n1,O=clustertop", node.getSubjectX500Principal().getName());
    assertEquals(certs.read("n1").getIssuerX500Principal(), certs.read("ca").getSubjectX500Principal());
  }

  @Test
  void theCollectorsCertificateNamesItsHostsAndAddresses() throws Exception {
    assertEquals(List.of("2 collector.example", "6 clustertop://role/console", "2 localhost", "7 127.0.0.1"),
        names("collector.example"));
    assertEquals(List.of(SERVER_AUTH, CLIENT_AUTH), certs.read("collector.example").getExtendedKeyUsage());
  }

  @Test
  void sharedConsoleAndOperatorCertificatesAreForClientsOnly() throws Exception {
    assertEquals(List.of("6 clustertop://node/*", "6 clustertop://role/agent"), names("every-node"));
    assertEquals(List.of("6 clustertop://role/console"), names("alice"));
    assertEquals(List.of("6 clustertop://role/operator", "6 clustertop://role/console"), names("bob"));
    for (String name : List.of("every-node", "alice", "bob")) {
      assertEquals(List.of(CLIENT_AUTH), certs.read(name).getExtendedKeyUsage(), name);
    }
    X509Certificate bob = certs.read("bob");
    assertEquals(30L * 24 * 3600 * 1000, bob.getNotAfter().getTime() - bob.getNotBefore().getTime());
  }

  @Test
  void keysAreTheHoldersAloneAndCertificatesForAll() throws Exception {
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(certs.key("alice")));
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(dir.resolve("ca.key")));
    assertTrue(Files.getPosixFilePermissions(certs.certificate("alice")).contains(PosixFilePermission.OTHERS_READ));
    assertTrue(Files.readString(certs.key("alice")).startsWith("-----BEGIN PRIVATE KEY-----"), "PKCS#8");
  }

  @Test
  void makingANameAgainReplacesItsCertificateAndKey() throws Exception {
    ScriptCertificates other = new ScriptCertificates(Files.createTempDirectory(dir, "again")).make("console", "carol");
    BigInteger first = other.read("carol").getSerialNumber();
    String firstKey = Files.readString(other.key("carol"));
    other.make("console", "carol");
    assertNotEquals(first, other.read("carol").getSerialNumber());
    assertNotEquals(firstKey, Files.readString(other.key("carol")), "a new key");
    assertEquals(List.of(), List.of(other.dir().toFile().list((d, n) -> n.endsWith(".new"))));
  }

  @Test
  void mistakesAreOneLineAndStatusTwo() throws Exception {
    Path empty = Files.createTempDirectory(dir, "empty");
    assertRefused(new ScriptCertificates(empty), List.of("node", "n1"),
        "clustertop-certs: no CA in " + empty + ": make it first with: clustertop-certs " + empty + " ca");
    assertRefused(certs, List.of("ca"), "clustertop-certs: " + dir + "/ca.key exists: a CA is made once");
    assertRefused(certs, List.of("client", "alice"),
        "clustertop-certs: unknown kind 'client': use ca, collector, node, agents, console or operator (clustertop-certs --help)");
    assertRefused(certs, List.of("console"), "clustertop-certs: console needs a NAME (clustertop-certs --help)");
    assertRefused(certs, List.of("node", "n/1"), "clustertop-certs: 'n/1': use letters, digits, '.', '_' and '-' (at most 63)");
    assertRefused(certs, List.of("console", "carol", "--role", "root"),
        "clustertop-certs: unknown role 'root': use agent, console or operator");
    assertRefused(certs, List.of("node", "n2", "--ip"), "clustertop-certs: --ip needs a value (clustertop-certs --help)");
    assertRefused(certs, List.of("node", "n2", "--days", "0"), "clustertop-certs: --days must be a positive number");
    assertTrue(!Files.exists(certs.certificate("n2")) && !Files.exists(certs.certificate("carol")));
  }

  private static void assertRefused(ScriptCertificates where, List<String> args, String line) throws Exception {
    ScriptCertificates.Result r = where.run(args);
    assertEquals(2, r.status(), r.output());
    assertEquals(line + "\n", r.output());
  }
}
