package io.clustertop.auth;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether an agent's identity may speak for the node it names and announce the addresses it
 * announces: its certificate's node, and only addresses among its IP SANs or inside the cluster's
 * networks (the collector's {@code --cluster-networks}). A certificate shared by every node
 * ({@code clustertop://node/*}) may send for any node, announcing only addresses of the cluster's
 * networks. What the collector's ingest session asks of every Hello before anything is counted (a
 * batch belongs to its stream's Hello).
 *
 * <p>Addresses are checked where there is something to check them against: a certificate with IP
 * SANs, or cluster networks; link-local ones (169.254.0.0/16, fe80::/10) always pass. With neither, every address is allowed, as it always was; without an
 * identity (no mutual TLS) only the cluster networks, if given, bound them.
 *
 * <p>Thread safety: immutable.
 */
public final class ClaimCheck {
  private final List<Network> clusterNetworks;

  /** @param clusterNetworks addresses any node may announce, besides its certificate's own */
  public ClaimCheck(List<Network> clusterNetworks) {
    this.clusterNetworks = List.copyOf(clusterNetworks);
  }

  /** Null if allowed; else one line saying why not: {@link #nodeRefusal}, else {@link #addressRefusal}. */
  public String refusal(PeerIdentity identity, String node, Collection<IpAddress> addresses) {
    String why = nodeRefusal(identity, node);
    return why != null ? why : addressRefusal(identity, node, disallowed(identity, addresses));
  }

  /** Null if the identity may speak for {@code node} (or there is no identity); else why not. */
  public String nodeRefusal(PeerIdentity identity, String node) {
    if (identity == null) {
      return null;
    }
    if (!identity.holds(Role.AGENT)) {
      return Operation.INGEST.refusal(identity);
    }
    CertificateNames names = identity.names();
    if (names.node() == null) {
      return names.describe() + " names no node (a SAN URI " + CertificateNames.NODE_URI
          + "NAME, or a DNS SAN): it may send for none";
    }
    if (!CertificateNames.ANY_NODE.equals(names.node()) && !names.node().equals(node)) {
      return "the certificate of node " + names.node() + " may not send for node " + node;
    }
    return null;
  }

  /** The addresses among {@code addresses} the identity may not announce (its node already allowed). */
  public List<IpAddress> disallowed(PeerIdentity identity, Collection<IpAddress> addresses) {
    boolean ownAddresses = identity != null && !CertificateNames.ANY_NODE.equals(identity.names().node())
        && !identity.names().addresses().isEmpty();
    if (!ownAddresses && clusterNetworks.isEmpty()) {
      return List.of();
    }
    return addresses.stream()
        // link-local: every interface has one (an agent announces its interface's), no certificate
        // lists it, and no other node's or outside host's traffic can be claimed with it
        .filter(a -> !(ownAddresses && identity.names().addresses().contains(a)) && !inClusterNetworks(a)
            && !a.linkLocal())
        .toList();
  }

  /** Null if {@code disallowed} is empty; else the line that says why they are refused. */
  public String addressRefusal(PeerIdentity identity, String node, List<IpAddress> disallowed) {
    if (disallowed.isEmpty()) {
      return null;
    }
    String list = disallowed.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
    if (identity == null) {
      return "node " + node + " may not announce " + list + ": not in the cluster networks (--cluster-networks)";
    }
    if (CertificateNames.ANY_NODE.equals(identity.names().node())) {
      return "node " + node + " (a certificate for any node) may not announce " + list
          + ": not in the cluster networks";
    }
    return "node " + node + " may not announce " + list + ": not among its certificate's IP addresses"
        + (clusterNetworks.isEmpty() ? "" : " nor in the cluster networks");
  }

  /**
   * Who an agent id speaks as, once {@code identity} may speak for {@code node}: the certificate's
   * node; for a certificate of any node, that certificate as that node. Null without an identity.
   */
  public static String owner(PeerIdentity identity, String node) {
    if (identity == null) {
      return null;
    }
    return CertificateNames.ANY_NODE.equals(identity.names().node())
        ? identity.names().describe() + " as node " + node : "node " + node;
  }

  private boolean inClusterNetworks(IpAddress address) {
    return clusterNetworks.stream().anyMatch(n -> n.contains(address.version(), address.high(), address.low()));
  }
}
