package io.clustertop.core.flow;

import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkDirection;
import java.util.List;

/**
 * Decides, as iftop does, which end of a packet is the local one and whether the packet was sent
 * or received.
 *
 * <p>Without a net filter ({@code -F}/{@code -G}) for the packet's IP version: the link layer's
 * word first (the interface's MAC address, a cooked header's packet type), then the interface's
 * own addresses; a packet between two other hosts (promiscuous mode) puts the numerically larger
 * address on the left and counts as received, iftop's ordering rule. With a net filter: a source
 * inside the network is sent, else a destination inside it is received, else the packet is not
 * counted. IPv6 link-local traffic is not counted unless asked for ({@code -l}).
 *
 * <p>Runs on the capture thread for every packet: no allocation, a handful of compares.
 */
public final class Orientation {
  /** Not counted: outside the net filter, or link-local. */
  public static final int IGNORED = 0;
  /** The packet's source is the local side. */
  public static final int SENT = 1;
  /** The packet's destination is the local side. */
  public static final int RECEIVED = 2;
  /**
   * Between two other hosts, the source being the larger address: the source goes on the left,
   * yet the packet counts as received, as iftop counts all such traffic.
   */
  public static final int RECEIVED_FROM_LEFT = 3;

  private final Network[] localAddresses;
  private final Network netFilter4;
  private final Network netFilter6;
  private final boolean countLinkLocal;

  /**
   * @param localAddresses the capturing interface's own addresses
   * @param netFilter4 iftop's {@code -F}, or null
   * @param netFilter6 iftop's {@code -G}, or null
   * @param countLinkLocal iftop's {@code -l}
   */
  public Orientation(
      List<IpAddress> localAddresses, Network netFilter4, Network netFilter6, boolean countLinkLocal) {
    this.localAddresses =
        localAddresses.stream()
            .map(a -> new Network(a, a.version() == 4 ? 32 : 128))
            .toArray(Network[]::new);
    this.netFilter4 = netFilter4;
    this.netFilter6 = netFilter6;
    this.countLinkLocal = countLinkLocal;
  }

  public int orient(DecodedPacket p) {
    if (p.ipVersion == 6 && !countLinkLocal && (isLinkLocal(p.srcHigh) || isLinkLocal(p.dstHigh))) {
      return IGNORED;
    }
    Network filter = p.ipVersion == 4 ? netFilter4 : netFilter6;
    if (filter != null) {
      if (filter.contains(p.ipVersion, p.srcHigh, p.srcLow)) {
        return SENT;
      }
      return filter.contains(p.ipVersion, p.dstHigh, p.dstLow) ? RECEIVED : IGNORED;
    }
    if (p.linkDirection == LinkDirection.OUTGOING) {
      return SENT;
    }
    if (p.linkDirection == LinkDirection.INCOMING) {
      return RECEIVED;
    }
    if (isLocal(p.ipVersion, p.srcHigh, p.srcLow)) {
      return SENT;
    }
    if (isLocal(p.ipVersion, p.dstHigh, p.dstLow)) {
      return RECEIVED;
    }
    // Two other hosts: the larger address goes on the left and the packet counts as received,
    // so it is the smaller address that "sent" it; RECEIVED puts the destination on the left.
    int order = Long.compareUnsigned(p.srcHigh, p.dstHigh);
    if (order == 0) {
      order = Long.compareUnsigned(p.srcLow, p.dstLow);
    }
    return order < 0 ? RECEIVED : RECEIVED_FROM_LEFT;
  }

  private boolean isLocal(int version, long high, long low) {
    for (Network n : localAddresses) {
      if (n.contains(version, high, low)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLinkLocal(long high) {
    return (high >>> 54) == (0xFE80L >>> 6);
  }
}
