package io.clustertop.auth;

import io.clustertop.core.flow.IpAddress;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * What a verified certificate says about its holder, as clustertop reads it.
 *
 * <ul>
 *   <li>{@code node}: the node it may speak for, from a SAN URI {@code clustertop://node/NAME};
 *       where there is none, its first DNS SAN; else none (it speaks for no node). {@code
 *       clustertop://node/*} ({@link #ANY_NODE}) is a certificate shared by every node (a
 *       DaemonSet's): any node, announcing only addresses of the cluster's networks.
 *   <li>{@code certificateRoles}: SAN URIs {@code clustertop://role/agent|console|operator}, and
 *       subject OUs that are exactly a role's name.
 *   <li>{@code addresses}: its IP SANs, the addresses its node may announce.
 * </ul>
 *
 * @param node null when the certificate names no node
 * @param commonName the subject's CN, "" when it has none
 */
public record CertificateNames(
    String node, String commonName, List<String> organizationalUnits, List<String> dnsNames, List<String> uris,
    List<IpAddress> addresses, Set<Role> certificateRoles) {
  public static final String NODE_URI = "clustertop://node/";
  public static final String ROLE_URI = "clustertop://role/";
  /** The node of a certificate shared by all nodes. */
  public static final String ANY_NODE = "*";

  private static final int SAN_DNS = 2;
  private static final int SAN_URI = 6;
  private static final int SAN_IP = 7;

  public CertificateNames {
    organizationalUnits = List.copyOf(organizationalUnits);
    dnsNames = List.copyOf(dnsNames);
    uris = List.copyOf(uris);
    addresses = List.copyOf(addresses);
    certificateRoles = certificateRoles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(certificateRoles));
  }

  /** Reads a certificate the TLS layer has already verified against the trusted CA. */
  public static CertificateNames of(X509Certificate certificate) {
    String commonName = "";
    List<String> units = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        String value = String.valueOf(rdn.getValue());
        if (rdn.getType().equalsIgnoreCase("CN") && commonName.isEmpty()) {
          commonName = value;
        } else if (rdn.getType().equalsIgnoreCase("OU")) {
          units.add(value);
        }
      }
    } catch (InvalidNameException e) {
      // an RFC 2253 name the JDK itself wrote: cannot happen; the subject then simply names nothing
    }
    List<String> dns = new ArrayList<>();
    List<String> uris = new ArrayList<>();
    List<IpAddress> addresses = new ArrayList<>();
    for (List<?> san : subjectAlternativeNames(certificate)) {
      if (san.size() < 2 || !(san.get(0) instanceof Integer type) || !(san.get(1) instanceof String value)) {
        continue;
      }
      switch (type) {
        case SAN_DNS -> dns.add(value);
        case SAN_URI -> uris.add(value);
        case SAN_IP -> IpAddress.parseNumeric(value).ifPresent(addresses::add);
        default -> { }
      }
    }
    String node = null;
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String uri : uris) {
      if (uri.startsWith(NODE_URI) && node == null && uri.length() > NODE_URI.length()) {
        node = uri.substring(NODE_URI.length());
      } else if (uri.startsWith(ROLE_URI)) {
        Role.named(uri.substring(ROLE_URI.length())).ifPresent(roles::add);
      }
    }
    for (String unit : units) {
      Role.named(unit).ifPresent(roles::add);
    }
    if (node == null && !dns.isEmpty()) {
      node = dns.getFirst();
    }
    return new CertificateNames(node, commonName, units, dns, uris, addresses, roles);
  }

  private static Collection<List<?>> subjectAlternativeNames(X509Certificate certificate) {
    try {
      Collection<List<?>> names = certificate.getSubjectAlternativeNames();
      return names == null ? List.of() : names;
    } catch (CertificateParsingException e) {
      return List.of();
    }
  }

  /** The node it speaks for, if it names one. */
  public Optional<String> nodeName() {
    return Optional.ofNullable(node);
  }

  /** A short description for refusals and logs: the node, else the CN, else the first SAN. */
  public String describe() {
    if (ANY_NODE.equals(node)) {
      return "any node" + (commonName.isEmpty() ? "" : " (CN=" + commonName + ")");
    }
    if (node != null) {
      return "node " + node;
    }
    if (!commonName.isEmpty()) {
      return "CN=" + commonName;
    }
    if (!uris.isEmpty()) {
      return uris.getFirst();
    }
    return addresses.isEmpty() ? "a certificate without names" : addresses.getFirst().toString();
  }
}
