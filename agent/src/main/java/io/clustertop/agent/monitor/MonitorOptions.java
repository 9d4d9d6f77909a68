package io.clustertop.agent.monitor;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
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
 * @param localAddresses the addresses that make traffic local; empty: the source's own (a file has
 *     none, so a replaying agent names its node's addresses here)
 */
public record MonitorOptions(
    Network netFilter4,
    Network netFilter6,
    boolean countLinkLocal,
    int maxFlowsPerInterval,
    int maxConversations,
    List<IpAddress> localAddresses) {
  public static final int DEFAULT_MAX_FLOWS_PER_INTERVAL = 65_536;
  public static final int DEFAULT_MAX_CONVERSATIONS = 100_000;

  public MonitorOptions {
    localAddresses = List.copyOf(localAddresses);
  }

  /** Options whose local addresses are the source's own. */
  public MonitorOptions(
      Network netFilter4, Network netFilter6, boolean countLinkLocal, int maxFlowsPerInterval, int maxConversations) {
    this(netFilter4, netFilter6, countLinkLocal, maxFlowsPerInterval, maxConversations, List.of());
  }


  public MonitorOptions withLocalAddresses(List<IpAddress> addresses) {
    return new MonitorOptions(netFilter4, netFilter6, countLinkLocal, maxFlowsPerInterval, maxConversations, addresses);
  }
}
