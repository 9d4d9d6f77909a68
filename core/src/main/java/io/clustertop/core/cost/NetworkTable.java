package io.clustertop.core.cost;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Networks and what each stands for, looked up by longest-prefix match, IPv4 and IPv6.
 *
 * <p>Performance: one hash lookup per distinct prefix length in use, longest first: a handful per
 * address for any real configuration. Thread safety: immutable once built; build on one thread.
 */
public final class NetworkTable<V> {
  /** Per IP version, prefix length (walked longest first) to network to value. */
  private final TreeMap<Integer, Map<Network, V>> ipv4 = new TreeMap<>();
  private final TreeMap<Integer, Map<Network, V>> ipv6 = new TreeMap<>();

  /** Adds {@code network}; returns what it stood for before, if it was there already. */
  public Optional<V> put(Network network, V value) {
    return Optional.ofNullable(lengths(network.address().version())
        .computeIfAbsent(network.prefixLength(), k -> new HashMap<>())
        .put(network, value));
  }

  /** The value of the longest network holding {@code address}. */
  public Optional<V> lookup(IpAddress address) {
    for (Map.Entry<Integer, Map<Network, V>> e : lengths(address.version()).descendingMap().entrySet()) {
      V v = e.getValue().get(new Network(address, e.getKey()));
      if (v != null) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }

  private TreeMap<Integer, Map<Network, V>> lengths(int version) {
    return version == 4 ? ipv4 : ipv6;
  }
}
