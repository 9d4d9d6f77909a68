package io.clustertop.core.flow;

import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkDirection;
import java.util.List;

/**
 * Decides, as iftop does, which end of a packet is the row's left side, which of the row's two
 * columns it counts in, and whether the interface sent or received it.
 *
 * <p>Without a net filter ({@code -F}/{@code -G}) for the packet's IP version: the link layer's
 * word first (the interface's MAC address, a cooked header's packet type), then the interface's
 * own addresses. A packet neither says is local is between two other hosts (promiscuous mode, or a
 * file that does not say who captured it): the numerically larger address goes on the left, and,
 * as iftop's {@code handle_ip_packet} counts it, the row's "sent" column takes it when its source
 * is that left address and "received" otherwise, so each row's two columns are its two directions;
 * the interface totals count all of it as received, since this host sent none of it. With a net
 * filter: a source inside the network is sent, else a destination inside it is received, else the
 * packet is not counted. IPv6 link-local traffic is not counted unless asked for ({@code -l}).
 *
 * <p>An agent's rows are its node's own traffic, and a batch's totals must cover its flows column
 * by column; it orients traffic between two other hosts with {@link Passing#RECEIVED}: received in
 * the row and in the totals, as the collector reads a node's rows.
 *
 * <p>Runs on the capture thread for every packet: no allocation, a handful of compares.
 */
public final class Orientation {
  /** Not counted: outside the net filter, or link-local. */
  public static final int IGNORED = 0;
  /** The packet's source is the local side: the row's sent column, the interface's sent. */
  public static final int SENT = 1;
  /**
   * The packet's destination is the left side: the row's received column, the interface's received.
   * Also a packet between two other hosts whose destination is the larger address.
   */
  public static final int RECEIVED = 2;
  /**
   * Between two other hosts, the source being the larger address, with {@link Passing#RECEIVED}:
   * the source goes on the left, and the packet counts as received in the row and the totals.
   */
  public static final int RECEIVED_FROM_LEFT = 3;
  /**
   * Between two other hosts, the source being the larger address, iftop's way: the source goes on
   * the left, the row's sent column takes it, the interface totals count it as received.
   */
  public static final int PASSED_FROM_LEFT = 4;

  /** How a packet between two other hosts counts once its larger address is on the left. */
  public enum Passing {
    /** iftop's rule: in the row by its source (sent when it comes from the left), received in the totals. */
    SPLIT_BY_SOURCE,
    /** Received in the row and in the totals: a row is the local side's own traffic (an agent's node). */
    RECEIVED
  }

  private final Network[] localAddresses;
  private final Network netFilter4;
  private final Network netFilter6;
  private final boolean countLinkLocal;
  private final int passedFromLeft;

  /** iftop's orientation: traffic between two other hosts split by its source ({@link Passing#SPLIT_BY_SOURCE}). */
  public Orientation(
      List<IpAddress> localAddresses, Network netFilter4, Network netFilter6, boolean countLinkLocal) {
    this(localAddresses, netFilter4, netFilter6, countLinkLocal, Passing.SPLIT_BY_SOURCE);
  }

  /**
   * @param localAddresses the capturing interface's own addresses
   * @param netFilter4 iftop's {@code -F}, or null
   * @param netFilter6 iftop's {@code -G}, or null
   * @param countLinkLocal iftop's {@code -l}
   * @param passing how traffic between two other hosts counts
   */
  public Orientation(List<IpAddress> localAddresses, Network netFilter4, Network netFilter6, boolean countLinkLocal,
      Passing passing) {
    this.localAddresses =
        localAddresses.stream()
            .map(a -> new Network(a, a.version() == 4 ? 32 : 128))
            .toArray(Network[]::new);
    this.netFilter4 = netFilter4;
    this.netFilter6 = netFilter6;
    this.countLinkLocal = countLinkLocal;
    this.passedFromLeft = passing == Passing.SPLIT_BY_SOURCE ? PASSED_FROM_LEFT : RECEIVED_FROM_LEFT;
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
    // Two other hosts: the larger address goes on the left. From the right it is the row's
    // received column either way; from the left, the row's sent column (iftop) or received.
    int order = Long.compareUnsigned(p.srcHigh, p.dstHigh);
    if (order == 0) {
      order = Long.compareUnsigned(p.srcLow, p.dstLow);
    }
    return order < 0 ? RECEIVED : passedFromLeft;
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
