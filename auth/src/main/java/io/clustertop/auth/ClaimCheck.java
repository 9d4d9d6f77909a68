package io.clustertop.auth;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether an agent's identity may speak for the node it names and announce the addresses it
 * announces: its certificate's node, and only addresses among its IP SANs or inside the cluster's
 * networks (the collector's {@code cluster-network}s). A certificate shared by every node
 * ({@code clustertop://node/*}) may send for any node, announcing only addresses of the cluster's
 * networks. What the ingest session asks of every Hello (and of a batch that names a node) before
 * anything is counted.
 *
 * <p>Without an identity (no mutual TLS) every claim is allowed, as it always was.
 *
 * <p>Thread safety: immutable.
 */
public final class ClaimCheck {
  private final List<Network> clusterNetworks;

  /** @param clusterNetworks addresses any node may announce, besides its certificate's own */
  public ClaimCheck(List<Network> clusterNetworks) {
    this.clusterNetworks = List.copyOf(clusterNetworks);
  }

  /** Null if allowed; else one line saying why not. */
  public String refusal(PeerIdentity identity, String node, Collection<IpAddress> addresses) {
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
    boolean anyNode = CertificateNames.ANY_NODE.equals(names.node());
    if (!anyNode && !names.node().equals(node)) {
      return "the certificate of node " + names.node() + " may not send for node " + node;
    }
    List<IpAddress> foreign = addresses.stream().filter(a -> !allowed(names, a)).toList();
    if (!foreign.isEmpty()) {
      String list = foreign.stream().map(IpAddress::toString).collect(Collectors.joining(", "));
      if (anyNode) {
        return "node " + node + " (a certificate for any node) may not announce " + list
            + ": not in the cluster networks";
      }
      return "node " + node + " may not announce " + list + ": not among its certificate's IP addresses"
          + (clusterNetworks.isEmpty() ? "" : " nor in the cluster networks");
    }
    return null;
  }

  private boolean allowed(CertificateNames names, IpAddress address) {
    return (!CertificateNames.ANY_NODE.equals(names.node()) && names.addresses().contains(address))
        || clusterNetworks.stream().anyMatch(n -> n.contains(address.version(), address.high(), address.low()));
  }
}
