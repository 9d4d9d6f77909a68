package io.clustertop.core.packet;

/**
 * What the link layer says about a packet's direction, before IP addresses are looked at: iftop
 * trusts the interface's MAC address and Linux cooked headers' packet type first.
 */
public final class LinkDirection {
  /** The link layer does not say. */
  public static final int UNKNOWN = 0;
  /** The packet left this host. */
  public static final int OUTGOING = 1;
  /** The packet was addressed to this host (unicast, broadcast or multicast). */
  public static final int INCOMING = 2;

  private LinkDirection() {}

  /**
   * The direction a Linux packet type says (a cooked header's, or the kernel's {@code sll_pkttype}
   * of a packet socket): 0 to us, 1 broadcast, 2 multicast are incoming, 4 sent by us is outgoing,
   * 3 to another host (and anything else) says nothing.
   */
  public static int ofLinuxPacketType(int packetType) {
    return switch (packetType) {
      case 0, 1, 2 -> INCOMING;
      case 4 -> OUTGOING;
      default -> UNKNOWN;
    };
  }
}
