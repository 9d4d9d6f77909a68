package io.clustertop.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.core.flow.IpAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyFileTest {
  private static CertificateNames names(String node, String cn, List<String> ous, List<String> dns, List<String> uris,
      List<String> ips, Set<Role> roles) {
    return new CertificateNames(node, cn, ous, dns, uris, ips.stream().map(IpAddress::parse).toList(), roles);
  }

  private static final String POLICY = """
      # clustertop roles
      node:*              agent
      cn:alice            console      # a person
      cn:bob              console operator
      dns:*.OPS.example   console
      ou:noc              operator
      uri:spiffe://corp/ns/*/sa/prometheus console
      ip:10.99.0.0/16     console

      """;

  @Test
  void anIdentityHoldsTheRolesOfEveryRuleItMatchesAndNoneFromItsCertificate() throws Exception {
    PolicyFile p = PolicyFile.parse(POLICY, "policy");
    assertEquals(Set.of(Role.AGENT), p.rolesOf(names("web-1", "web-1", List.of(), List.of(), List.of(), List.of(),
        Set.of(Role.OPERATOR))));
    assertEquals(Set.of(Role.CONSOLE), p.rolesOf(names(null, "alice", List.of(), List.of(), List.of(), List.of(), Set.of())));
    assertEquals(Set.of(Role.CONSOLE, Role.OPERATOR),
        p.rolesOf(names(null, "bob", List.of(), List.of(), List.of(), List.of(), Set.of())));
    assertEquals(Set.of(Role.CONSOLE),
        p.rolesOf(names(null, "", List.of(), List.of("x.ops.example"), List.of(), List.of(), Set.of())));
    assertEquals(Set.of(Role.OPERATOR),
        p.rolesOf(names(null, "dave", List.of("noc"), List.of(), List.of(), List.of(), Set.of())));
    assertEquals(Set.of(Role.CONSOLE), p.rolesOf(names(null, "", List.of(), List.of(),
        List.of("spiffe://corp/ns/monitoring/sa/prometheus"), List.of(), Set.of())));
    assertEquals(Set.of(Role.CONSOLE),
        p.rolesOf(names(null, "", List.of(), List.of(), List.of(), List.of("10.99.3.4"), Set.of())));
    assertEquals(Set.of(), p.rolesOf(names(null, "mallory", List.of("alice"), List.of("ops.example"),
        List.of(), List.of("10.98.0.1"), Set.of(Role.CONSOLE))));
    // "alice*" is not "alice": * must be written
    assertEquals(Set.of(), p.rolesOf(names(null, "alice2", List.of(), List.of(), List.of(), List.of(), Set.of())));
  }

  @Test
  void aBadFileIsRefusedWithItsLineAndTheReason() {
    assertEquals("p:2: unknown role 'admin' (agent, console, operator)",
        assertThrows(PolicyException.class, () -> PolicyFile.parse("cn:a console\ncn:b admin\n", "p")).getMessage());
    assertEquals("p:1: 'cn:alice' names no role: write WHO ROLE [ROLE...], e.g. cn:alice console",
        assertThrows(PolicyException.class, () -> PolicyFile.parse("cn:alice\n", "p")).getMessage());
    assertEquals("p:1: unknown kind 'host' (node, cn, ou, dns, uri, ip)",
        assertThrows(PolicyException.class, () -> PolicyFile.parse("host:a agent", "p")).getMessage());
    assertEquals("p:1: 'alice': write KIND:VALUE, KIND one of node, cn, ou, dns, uri, ip",
        assertThrows(PolicyException.class, () -> PolicyFile.parse("alice console", "p")).getMessage());
    assertEquals("p:1: 'ip:10.0.0.0/40': prefix length 40 out of 0..32",
        assertThrows(PolicyException.class, () -> PolicyFile.parse("ip:10.0.0.0/40 console", "p")).getMessage());
    assertEquals("p: no rule: every certificate would hold no role",
        assertThrows(PolicyException.class, () -> PolicyFile.parse("# nothing\n\n", "p")).getMessage());
  }
}
