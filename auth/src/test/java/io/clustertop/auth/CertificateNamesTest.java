package io.clustertop.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clustertop.core.flow.IpAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What clustertop reads from certificates: the script's, and others an existing PKI would issue. */
class CertificateNamesTest {
  @TempDir
  static Path dir;
  static ScriptCertificates certs;

  @BeforeAll
  static void make() throws Exception {
    certs = new ScriptCertificates(dir)
        .make("node", "web-1", "--ip", "10.77.0.1", "--ip", "fd77::1")
        .make("console", "alice")
        .make("operator", "bob", "--role", "console")
        .make("agents", "every-node")
        .make("collector", "collector", "--dns", "localhost", "--ip", "127.0.0.1");
  }

  @Test
  void aNodeCertificateNamesItsNodeItsRoleAndItsAddresses() throws Exception {
    CertificateNames n = CertificateNames.of(certs.read("web-1"));
    assertEquals("web-1", n.node());
    assertEquals("web-1", n.commonName());
    assertEquals(Set.of(Role.AGENT), n.certificateRoles());
    assertEquals(List.of(IpAddress.parse("10.77.0.1"), IpAddress.parse("fd77::1")), n.addresses());
    assertEquals(List.of("clustertop://node/web-1", "clustertop://role/agent"), n.uris());
    assertEquals("node web-1", n.describe());
  }

  @Test
  void consoleAndOperatorCertificatesNameNoNode() throws Exception {
    CertificateNames alice = CertificateNames.of(certs.read("alice"));
    assertNull(alice.node());
    assertEquals(Set.of(Role.CONSOLE), alice.certificateRoles());
    assertEquals("CN=alice", alice.describe());
    assertEquals(Set.of(Role.OPERATOR, Role.CONSOLE), CertificateNames.of(certs.read("bob")).certificateRoles());
  }

  @Test
  void aCertificateForEveryNode() throws Exception {
    CertificateNames n = CertificateNames.of(certs.read("every-node"));
    assertEquals(CertificateNames.ANY_NODE, n.node());
    assertEquals(Set.of(Role.AGENT), n.certificateRoles());
    assertEquals("any node (CN=every-node)", n.describe());
  }

  @Test
  void withoutANodeUriTheFirstDnsNameIsTheNode() throws Exception {
    CertificateNames collector = CertificateNames.of(certs.read("collector"));
    assertEquals(List.of("collector", "localhost"), collector.dnsNames());
    assertEquals("collector", collector.node());
    assertEquals(Set.of(), collector.certificateRoles());
  }

  @Test
  void rolesFromOrganizationalUnitsAndUnknownRolesIgnored() throws Exception {
    CertificateNames n = CertificateNames.of(certs.custom("pki", "/O=corp/OU=console/OU=Console/OU=ops/CN=carol",
        "subjectAltName=DNS:carol.ops.example,DNS:other.example,URI:clustertop://role/admin,URI:https://corp.example/x"));
    assertEquals(Set.of(Role.CONSOLE), n.certificateRoles());
    assertEquals(List.of("console", "Console", "ops"), n.organizationalUnits());
    assertEquals("carol.ops.example", n.node());
    assertEquals("carol", n.commonName());
  }

  @Test
  void aCertificateWithoutNames() throws Exception {
    CertificateNames n = CertificateNames.of(certs.custom("bare", "/O=corp", "basicConstraints=CA:FALSE"));
    assertNull(n.node());
    assertEquals("", n.commonName());
    assertEquals(Set.of(), n.certificateRoles());
    assertEquals("a certificate without names", n.describe());
  }
}
