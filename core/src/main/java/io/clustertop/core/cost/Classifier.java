package io.clustertop.core.cost;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.util.Collection;
import java.util.Optional;

/**
 * The destination class of a conversation's remote end, seen from the node that sent or received it.
 * In this order:
 * <ol>
 *   <li>one of the node's own addresses, or loopback: same-host;
 *   <li>inside a named network of the configuration: that network's name (longest prefix wins; a
 *       named network wins over every class below, a node's address included);
 *   <li>another node: by the two nodes' places — cross-region if both regions are known and differ,
 *       unknown-zone if either zone is unknown, same-zone or cross-zone;
 *   <li>inside a cluster network: the sender's zone (same-zone, or unknown-zone if it has none);
 *   <li>a private address: private; anything else: internet.
 * </ol>
 *
 * <p>Thread safety: immutable.
 */
public final class Classifier {
  private static final NetworkTable<BuiltInClass> BUILT_IN = builtIn();

  private final NetworkTable<ConfiguredNetwork> networks;

  public Classifier(NetworkTable<ConfiguredNetwork> networks) {
    this.networks = networks;
  }

  /**
   * @param local where the node that counted the traffic runs
   * @param localAddresses that node's own addresses
   * @param remote the conversation's remote end
   * @param remoteNode where the remote end runs if it is another node's address, else null
   */
  public String classify(NodePlace local, Collection<IpAddress> localAddresses, IpAddress remote, NodePlace remoteNode) {
    if (localAddresses.contains(remote) || BUILT_IN.lookup(remote).orElse(null) == BuiltInClass.SAME_HOST) {
      return BuiltInClass.SAME_HOST.label();
    }
    Optional<ConfiguredNetwork> configured = networks.lookup(remote);
    if (configured.isPresent() && !configured.get().cluster()) {
      return configured.get().name();
    }
    if (remoteNode != null) {
      return between(local, remoteNode).label();
    }
    if (configured.isPresent()) {
      return (local.zoneKnown() ? BuiltInClass.SAME_ZONE : BuiltInClass.UNKNOWN_ZONE).label();
    }
    return BUILT_IN.lookup(remote).orElse(BuiltInClass.INTERNET).label();
  }

  /**
   * A public address: none of the built-in special ranges (loopback, private, shared, link-local, ULA)
   * holds it. What {@code --mask-remote} keeps out of views and history.
   */
  public static boolean isPublic(IpAddress address) {
    return BUILT_IN.lookup(address).isEmpty();
  }

  static BuiltInClass between(NodePlace a, NodePlace b) {
    if (!a.region().isEmpty() && !b.region().isEmpty() && !a.region().equals(b.region())) {
      return BuiltInClass.CROSS_REGION;
    }
    if (!a.zoneKnown() || !b.zoneKnown()) {
      return BuiltInClass.UNKNOWN_ZONE;
    }
    return a.zone().equals(b.zone()) ? BuiltInClass.SAME_ZONE : BuiltInClass.CROSS_ZONE;
  }

  private static NetworkTable<BuiltInClass> builtIn() {
    NetworkTable<BuiltInClass> t = new NetworkTable<>();
    t.put(Network.parse("127.0.0.0/8"), BuiltInClass.SAME_HOST);
    t.put(Network.parse("::1/128"), BuiltInClass.SAME_HOST);
    for (String n : new String[] {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
        "169.254.0.0/16", "fc00::/7", "fe80::/10"}) {
      t.put(Network.parse(n), BuiltInClass.PRIVATE);
    }
    return t;
  }
}
