package io.clustertop.agent.attribution;

import io.clustertop.core.flow.IpAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A network namespace's own addresses, which decide whether a socket bound to every address
 * (0.0.0.0, ::) of that namespace can be the local end of a conversation to a given address: IPv4
 * from /proc/PID/net/fib_trie (the {@code LOCAL} entries of the local table), IPv6 from
 * /proc/PID/net/if_inet6.
 */
final class NamespaceAddresses {
  private NamespaceAddresses() {}

  static Set<IpAddress> read(List<String> fibTrie, List<String> ifInet6) {
    Set<IpAddress> addresses = new HashSet<>();
    fibTrie(fibTrie, addresses);
    ifInet6(ifInet6, addresses);
    return addresses;
  }

  /**
   * fib_trie lists each address as a leaf ({@code |-- 10.77.1.2}) followed by its routes; a route
   * {@code /32 host LOCAL} says the address is the namespace's own.
   */
  static void fibTrie(List<String> lines, Set<IpAddress> into) {
    String leaf = null;
    for (String line : lines) {
      String t = line.trim();
      if (t.startsWith("|-- ")) {
        leaf = t.substring(4).trim();
      } else if (leaf != null && t.startsWith("/32 ") && t.endsWith(" LOCAL")) {
        IpAddress.parseNumeric(leaf).ifPresent(into::add);
      }
    }
  }

  /** {@code fd770001000000000000000000000002 03 40 00 80 eth0}: the address in 32 hex digits, in order. */
  static void ifInet6(List<String> lines, Set<IpAddress> into) {
    for (String line : lines) {
      String t = line.trim();
      if (t.length() < 32) {
        continue;
      }
      try {
        into.add(new IpAddress(6, Long.parseUnsignedLong(t, 0, 16, 16), Long.parseUnsignedLong(t, 16, 32, 16)));
      } catch (NumberFormatException e) {
        // not a line the kernel writes
      }
    }
  }
}
