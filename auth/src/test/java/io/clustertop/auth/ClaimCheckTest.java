package io.clustertop.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClaimCheckTest {
  private static final ClaimCheck CHECK = new ClaimCheck(List.of(Network.parse("10.96.0.0/12")));

  private static PeerIdentity node(String name, Set<Role> roles, String... ips) {
    return new PeerIdentity(new CertificateNames(name, name == null ? "x" : name, List.of(), List.of(), List.of(),
        List.of(ips).stream().map(IpAddress::parse).toList(), roles), roles);
  }

  private static List<IpAddress> addresses(String... ips) {
    return List.of(ips).stream().map(IpAddress::parse).toList();
  }

  @Test
  void aNodeMaySendForItselfWithItsOwnAndTheClustersAddresses() {
    PeerIdentity web = node("web-1", Set.of(Role.AGENT), "10.77.0.1", "fd77::1");
    assertNull(CHECK.refusal(web, "web-1", addresses("10.77.0.1", "fd77::1", "10.100.3.4")));
    assertNull(CHECK.refusal(web, "web-1", List.of()));
  }

  @Test
  void linkLocalAddressesEveryInterfaceHasPass() {
    PeerIdentity web = node("web-1", Set.of(Role.AGENT), "10.77.0.1");
    assertNull(CHECK.refusal(web, "web-1", addresses("10.77.0.1", "fe80::1c2d:3eff:fe4f:5a6b", "169.254.3.4")));
    assertEquals(List.of(IpAddress.parse("fec0::1")), CHECK.disallowed(web, addresses("fe80::1", "fec0::1")));
  }

  @Test
  void anotherNodesNameOrAddressesAreRefused() {
    PeerIdentity web = node("web-1", Set.of(Role.AGENT), "10.77.0.1");
    assertEquals("the certificate of node web-1 may not send for node db", CHECK.refusal(web, "db", addresses("10.77.0.1")));
    assertEquals("node web-1 may not announce 203.0.113.1, 10.77.0.2: not among its certificate's IP addresses"
        + " nor in the cluster networks", CHECK.refusal(web, "web-1", addresses("10.77.0.1", "203.0.113.1", "10.77.0.2")));
    assertEquals("node web-1 may not announce 10.96.0.1: not among its certificate's IP addresses",
        new ClaimCheck(List.of()).refusal(web, "web-1", addresses("10.96.0.1")));
  }

  @Test
  void identitiesThatAreNoAgentOrNameNoNodeMaySendForNone() {
    assertEquals("sending batches (Ingest.Stream) needs the role agent; CN=x (console) does not hold it",
        CHECK.refusal(node(null, Set.of(Role.CONSOLE)), "web-1", List.of()));
    assertEquals("CN=x names no node (a SAN URI clustertop://node/NAME, or a DNS SAN): it may send for none",
        CHECK.refusal(node(null, Set.of(Role.AGENT)), "web-1", List.of()));
  }

  @Test
  void aCertificateForAnyNodeSpeaksForEachWithTheClustersAddressesOnly() {
    PeerIdentity shared = node(CertificateNames.ANY_NODE, Set.of(Role.AGENT), "10.77.0.1");
    assertNull(CHECK.refusal(shared, "web-1", addresses("10.100.0.7")));
    assertNull(CHECK.refusal(shared, "db", List.of()));
    assertEquals("node db (a certificate for any node) may not announce 10.77.0.1: not in the cluster networks",
        CHECK.refusal(shared, "db", addresses("10.77.0.1")));
  }

  @Test
  void withoutAnIdentityOnlyTheClusterNetworksIfGivenBoundTheAddresses() {
    assertEquals("node anything may not announce 203.0.113.1: not in the cluster networks (--cluster-networks)",
        CHECK.refusal(null, "anything", addresses("10.100.0.1", "203.0.113.1")));
    assertNull(CHECK.refusal(null, "anything", addresses("10.100.0.1")));
    assertNull(new ClaimCheck(List.of()).refusal(null, "anything", addresses("203.0.113.1")));
  }

  @Test
  void aCertificateWithoutAddressesAndNoClusterNetworksAnnouncesAsBefore() {
    PeerIdentity bare = node("web-1", Set.of(Role.AGENT));
    assertNull(new ClaimCheck(List.of()).refusal(bare, "web-1", addresses("203.0.113.1")));
    assertEquals(List.of(IpAddress.parse("203.0.113.1")), CHECK.disallowed(bare, addresses("10.100.0.1", "203.0.113.1")));
    assertNull(new ClaimCheck(List.of()).refusal(node(CertificateNames.ANY_NODE, Set.of(Role.AGENT)), "db",
        addresses("203.0.113.1")));
  }

  @Test
  void anAgentIdBelongsToTheCertificatesNodeOrForAnyNodeToTheCertificateAsThatNode() {
    assertEquals("node web-1", ClaimCheck.owner(node("web-1", Set.of(Role.AGENT)), "web-1"));
    assertEquals("any node (CN=*) as node db", ClaimCheck.owner(node(CertificateNames.ANY_NODE, Set.of(Role.AGENT)), "db"));
    assertNull(ClaimCheck.owner(null, "db"));
  }
}
