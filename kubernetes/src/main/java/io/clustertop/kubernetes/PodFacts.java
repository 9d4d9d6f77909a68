package io.clustertop.kubernetes;

import io.clustertop.core.flow.IpAddress;
import java.util.List;

/**
 * What the collector needs of a Pod, read from the API object (informer's {@code PodReading}).
 *
 * @param addresses the pod's addresses ({@code status.podIPs}) while it holds them; empty before it
 *     has one, and once it has ended (a finished pod keeps {@code podIPs} in its status, but not the
 *     address: the node gives it to the next pod)
 * @param holdsSince when it began holding them (ns since the epoch): when its sandbox was ready, else
 *     when its node took it, else when it was first seen
 * @param endedAt when it ended (its containers' last finish), or 0 while it runs
 * @param containerIds its containers' ids as the runtime writes them (no {@code containerd://} prefix)
 * @param controller its controller, or null
 */
public record PodFacts(String uid, String namespace, String name, String node, boolean hostNetwork,
    List<IpAddress> addresses, long holdsSince, long endedAt, List<String> containerIds, Owner controller) {

  public PodFacts {
    addresses = List.copyOf(addresses);
    containerIds = List.copyOf(containerIds);
  }

  public boolean ended() {
    return endedAt != 0;
  }
}
