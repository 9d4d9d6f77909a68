package io.clustertop.agent.monitor;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import io.clustertop.core.flow.Orientation;
import java.util.List;

/**
 * What decides which packets count and how much is kept.
 *
 * @param netFilter4 iftop's {@code -F}: only traffic to or from this network counts, and it is the
 *     local side; null for none
 * @param netFilter6 iftop's {@code -G}, for IPv6
 * @param countLinkLocal iftop's {@code -l}: count IPv6 link-local traffic
 * @param maxFlowsPerInterval conversations one 1-second interval can hold before further new ones
 *     go to "other" (the capture thread's table; preallocated)
 * @param maxConversations conversations kept with their history before the idlest are folded
 * @param localAddresses the addresses that make traffic local; empty: the source's own (an
 *     interface's, or what a pcapng file says of the interface it was captured on)
 * @param localMac the MAC address that makes an Ethernet frame local, in the low 48 bits; -1: the
 *     source's own
 * @param passing how traffic between two other hosts counts (iftop's split by source, or received)
 */
public record MonitorOptions(
    Network netFilter4,
    Network netFilter6,
    boolean countLinkLocal,
    int maxFlowsPerInterval,
    int maxConversations,
    List<IpAddress> localAddresses,
    long localMac,
    Orientation.Passing passing) {
  public static final int DEFAULT_MAX_FLOWS_PER_INTERVAL = 65_536;
  public static final int DEFAULT_MAX_CONVERSATIONS = 100_000;

  public MonitorOptions {
    localAddresses = List.copyOf(localAddresses);
  }

  /** Options whose local addresses and MAC are the source's own, with iftop's split of passing traffic. */
  public MonitorOptions(
      Network netFilter4, Network netFilter6, boolean countLinkLocal, int maxFlowsPerInterval, int maxConversations) {
    this(netFilter4, netFilter6, countLinkLocal, maxFlowsPerInterval, maxConversations, List.of(), -1,
        Orientation.Passing.SPLIT_BY_SOURCE);
  }

  public MonitorOptions withLocalAddresses(List<IpAddress> addresses) {
    return new MonitorOptions(netFilter4, netFilter6, countLinkLocal, maxFlowsPerInterval, maxConversations, addresses,
        localMac, passing);
  }

  public MonitorOptions withLocalMac(long mac) {
    return new MonitorOptions(netFilter4, netFilter6, countLinkLocal, maxFlowsPerInterval, maxConversations,
        localAddresses, mac, passing);
  }

  public MonitorOptions withPassing(Orientation.Passing how) {
    return new MonitorOptions(netFilter4, netFilter6, countLinkLocal, maxFlowsPerInterval, maxConversations,
        localAddresses, localMac, how);
  }
}
