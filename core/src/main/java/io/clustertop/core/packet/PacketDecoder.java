package io.clustertop.core.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Reads the flow key and IP length of one captured frame, bounds-checked against the captured
 * length, without allocating and without throwing.
 *
 * <p>The frame is addressed as {@code (segment, offset)} so that one decoder serves a packet in a
 * memory-mapped capture file and one in libpcap's ring (an all-memory segment with the packet's
 * address as offset). Nothing is read past {@code offset + capturedLength}: every read is preceded
 * by an explicit check, which is the bounds check for the all-memory segment of live capture.
 *
 * <p>Bytes are IP datagram bytes as iftop counts them: the IPv4 total length, the IPv6 payload
 * length plus 40; where that field is 0 (TSO, BIG TCP, jumbograms) the wire length less the link
 * header. Performance: a few dozen loads per packet; see BENCHMARKS.md.
 */
public final class PacketDecoder {
  private static final ValueLayout.OfShort U16 =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfInt U32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfLong U64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private static final int ETHERTYPE_IPV4 = 0x0800;
  private static final int ETHERTYPE_IPV6 = 0x86DD;
  private static final int ETHERTYPE_VLAN = 0x8100;
  private static final int ETHERTYPE_QINQ = 0x88A8;
  private static final int ETHERTYPE_QINQ_OLD = 0x9100;
  /** More tags than this is no real network: reject rather than walk on. */
  private static final int MAX_VLAN_TAGS = 4;
  /** Bound on the IPv6 extension-header walk; real stacks use two or three at most. */
  private static final int MAX_IPV6_EXTENSIONS = 8;
  private static final long BROADCAST_MAC = 0xFFFF_FFFF_FFFFL;

  private static final int PROTO_TCP = 6;
  private static final int PROTO_UDP = 17;
  private static final int PROTO_DCCP = 33;
  private static final int PROTO_SCTP = 132;
  private static final int PROTO_UDPLITE = 136;

  private final DecodeCounters counters = new DecodeCounters();
  /** The capturing interface's MAC address in the low 48 bits, or -1 when there is none. */
  private final long localMac;

  /** A decoder for captures that carry no local MAC address to compare with (files, tun, any). */
  public PacketDecoder() {
    this(-1);
  }

  /** @param localMac the capturing interface's MAC address in the low 48 bits, or -1 for none */
  public PacketDecoder(long localMac) {
    this.localMac = localMac;
  }

  public DecodeCounters counters() {
    return counters;
  }

  /**
   * Decodes one frame into {@code out}.
   *
   * @return true if the packet was decoded and {@code out} holds it; false if it was rejected
   *     (the reason is counted)
   */
  public boolean decode(
      MemorySegment segment,
      long offset,
      int capturedLength,
      int wireLength,
      LinkType link,
      DecodedPacket out) {
    return decode(segment, offset, capturedLength, wireLength, link, LinkDirection.UNKNOWN, out);
  }

  /**
   * Decodes one frame whose direction the capture itself knows (the kernel's packet type on a
   * packet ring): a known {@code linkDirection} takes the place of the MAC address comparison,
   * as a cooked header's packet type does.
   *
   * @param linkDirection one of {@link LinkDirection}'s values; UNKNOWN leaves it to the frame
   * @return as {@link #decode(MemorySegment, long, int, int, LinkType, DecodedPacket)}
   */
  public boolean decode(
      MemorySegment segment,
      long offset,
      int capturedLength,
      int wireLength,
      LinkType link,
      int linkDirection,
      DecodedPacket out) {
    RejectReason reason = decodeFrame(segment, offset, capturedLength, wireLength, link, linkDirection, out);
    if (reason == null) {
      counters.countDecoded();
      return true;
    }
    counters.countRejected(reason);
    return false;
  }

  private RejectReason decodeFrame(
      MemorySegment s, long base, int cap, int wire, LinkType link, int linkDirection, DecodedPacket out) {
    if (cap < 0 || wire < 0) {
      return RejectReason.MALFORMED;
    }
    if (wire < cap) {
      wire = cap; // a writer that swapped or zeroed the original length: the frame was at least this long
    }
    out.linkDirection = linkDirection;
    return switch (link) {
      case ETHERNET -> ethernet(s, base, cap, wire, out);
      case LINUX_SLL -> linuxSll(s, base, cap, wire, out);
      case LINUX_SLL2 -> linuxSll2(s, base, cap, wire, out);
      case NULL, LOOP -> bsdLoopback(s, base, cap, wire, link, out);
      case RAW -> rawIp(s, base, cap, wire, 0, out);
      case IPV4 -> cap < 1 ? RejectReason.TRUNCATED : ipv4(s, base, cap, wire, 0, out);
      case IPV6 -> cap < 1 ? RejectReason.TRUNCATED : ipv6(s, base, cap, wire, 0, out);
      case UNSUPPORTED -> RejectReason.UNSUPPORTED_LINK;
    };
  }

  private RejectReason ethernet(MemorySegment s, long base, int cap, int wire, DecodedPacket out) {
    if (cap < 14) {
      return RejectReason.TRUNCATED;
    }
    if (localMac >= 0 && out.linkDirection == LinkDirection.UNKNOWN) {
      long dst = mac(s, base);
      long src = mac(s, base + 6);
      if (src == localMac) {
        out.linkDirection = LinkDirection.OUTGOING;
      } else if (dst == localMac || dst == BROADCAST_MAC) {
        out.linkDirection = LinkDirection.INCOMING;
      }
    }
    return etherType(s, base, cap, wire, 12, out);
  }

  /** Follows VLAN tags from the EtherType at {@code at} to the network layer. */
  private RejectReason etherType(
      MemorySegment s, long base, int cap, int wire, int at, DecodedPacket out) {
    for (int tags = 0; ; tags++) {
      if (at + 2 > cap) {
        return RejectReason.TRUNCATED;
      }
      int type = u16(s, base + at);
      int payload = at + 2;
      switch (type) {
        case ETHERTYPE_IPV4:
          return ipv4(s, base, cap, wire, payload, out);
        case ETHERTYPE_IPV6:
          return ipv6(s, base, cap, wire, payload, out);
        case ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD:
          if (tags == MAX_VLAN_TAGS) {
            return RejectReason.MALFORMED;
          }
          at += 4; // tag control information, then the next EtherType
          break;
        default:
          return RejectReason.NOT_IP;
      }
    }
  }

  private RejectReason linuxSll(MemorySegment s, long base, int cap, int wire, DecodedPacket out) {
    if (cap < 16) {
      return RejectReason.TRUNCATED;
    }
    out.linkDirection = LinkDirection.ofLinuxPacketType(u16(s, base));
    return etherType(s, base, cap, wire, 14, out);
  }

  private RejectReason linuxSll2(MemorySegment s, long base, int cap, int wire, DecodedPacket out) {
    if (cap < 20) {
      return RejectReason.TRUNCATED;
    }
    out.linkDirection = LinkDirection.ofLinuxPacketType(s.get(ValueLayout.JAVA_BYTE, base + 10) & 0xFF);
    int type = u16(s, base);
    return switch (type) {
      case ETHERTYPE_IPV4 -> ipv4(s, base, cap, wire, 20, out);
      case ETHERTYPE_IPV6 -> ipv6(s, base, cap, wire, 20, out);
      default -> RejectReason.NOT_IP;
    };
  }

  private RejectReason bsdLoopback(
      MemorySegment s, long base, int cap, int wire, LinkType link, DecodedPacket out) {
    if (cap < 4) {
      return RejectReason.TRUNCATED;
    }
    int family = s.get(U32, base);
    if (link == LinkType.NULL && (family & 0xFFFF) == 0) {
      family = Integer.reverseBytes(family); // NULL is in the capturing host's order
    }
    return switch (family) {
      case 2 -> ipv4(s, base, cap, wire, 4, out);
      // AF_INET6 differs by system: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30.
      case 10, 24, 28, 30 -> ipv6(s, base, cap, wire, 4, out);
      default -> RejectReason.NOT_IP;
    };
  }

  private RejectReason rawIp(
      MemorySegment s, long base, int cap, int wire, int at, DecodedPacket out) {
    if (cap < at + 1) {
      return RejectReason.TRUNCATED;
    }
    int version = (s.get(ValueLayout.JAVA_BYTE, base + at) >> 4) & 0xF;
    return switch (version) {
      case 4 -> ipv4(s, base, cap, wire, at, out);
      case 6 -> ipv6(s, base, cap, wire, at, out);
      default -> RejectReason.MALFORMED;
    };
  }

  private RejectReason ipv4(
      MemorySegment s, long base, int cap, int wire, int at, DecodedPacket out) {
    if (cap - at < 20) {
      return RejectReason.TRUNCATED;
    }
    long ip = base + at;
    int versionAndLength = s.get(ValueLayout.JAVA_BYTE, ip) & 0xFF;
    int headerLength = (versionAndLength & 0xF) * 4;
    if (versionAndLength >> 4 != 4 || headerLength < 20) {
      return RejectReason.MALFORMED;
    }
    int onWire = wire - at;
    long totalLength = u16(s, ip + 2);
    if (totalLength == 0) {
      totalLength = onWire; // TSO: the NIC fills the length in later
    } else if (totalLength < headerLength || totalLength > onWire) {
      return RejectReason.MALFORMED;
    }
    if (headerLength > totalLength) {
      return RejectReason.MALFORMED;
    }
    out.ipVersion = 4;
    out.ipBytes = totalLength;
    out.protocol = s.get(ValueLayout.JAVA_BYTE, ip + 9) & 0xFF;
    out.srcHigh = 0;
    out.srcLow = s.get(U32, ip + 12) & 0xFFFF_FFFFL;
    out.dstHigh = 0;
    out.dstLow = s.get(U32, ip + 16) & 0xFFFF_FFFFL;
    boolean laterFragment = (u16(s, ip + 6) & 0x1FFF) != 0;
    readPorts(s, base, cap, laterFragment ? -1 : at + headerLength, out);
    return null;
  }

  private RejectReason ipv6(
      MemorySegment s, long base, int cap, int wire, int at, DecodedPacket out) {
    if (cap - at < 40) {
      return RejectReason.TRUNCATED;
    }
    long ip = base + at;
    if (((s.get(ValueLayout.JAVA_BYTE, ip) >> 4) & 0xF) != 6) {
      return RejectReason.MALFORMED;
    }
    int onWire = wire - at;
    long payloadLength = u16(s, ip + 4);
    long length;
    if (payloadLength == 0) {
      length = onWire; // jumbogram or BIG TCP: the length lives outside this field
      if (length < 40) {
        return RejectReason.MALFORMED;
      }
    } else {
      length = payloadLength + 40;
      if (length > onWire) {
        return RejectReason.MALFORMED;
      }
    }
    out.ipVersion = 6;
    out.ipBytes = length;
    out.srcHigh = s.get(U64, ip + 8);
    out.srcLow = s.get(U64, ip + 16);
    out.dstHigh = s.get(U64, ip + 24);
    out.dstLow = s.get(U64, ip + 32);

    int next = s.get(ValueLayout.JAVA_BYTE, ip + 6) & 0xFF;
    int header = at + 40;
    boolean laterFragment = false;
    for (int walked = 0; walked < MAX_IPV6_EXTENSIONS && isExtension(next); walked++) {
      if (header + 8 > cap) {
        header = -1; // the chain runs past the snap length: count by host pair
        break;
      }
      int following = s.get(ValueLayout.JAVA_BYTE, base + header) & 0xFF;
      int extensionLength;
      if (next == 44) { // fragment header: fixed 8 bytes
        laterFragment = (u16(s, base + header + 2) & 0xFFF8) != 0;
        extensionLength = 8;
      } else if (next == 51) { // AH counts in 4-byte units, less 2
        extensionLength = ((s.get(ValueLayout.JAVA_BYTE, base + header + 1) & 0xFF) + 2) * 4;
      } else {
        extensionLength = ((s.get(ValueLayout.JAVA_BYTE, base + header + 1) & 0xFF) + 1) * 8;
      }
      next = following;
      header += extensionLength;
    }
    out.protocol = next;
    readPorts(s, base, cap, laterFragment || isExtension(next) ? -1 : header, out);
    return null;
  }

  private static boolean isExtension(int nextHeader) {
    return switch (nextHeader) {
      case 0, 43, 44, 51, 60, 135, 139, 140 -> true;
      default -> false;
    };
  }

  /**
   * Ports of TCP, UDP, SCTP, DCCP and UDP-Lite; 0 for other protocols, later fragments
   * ({@code at} negative) and transport headers the capture cut off: the datagram still counts,
   * by host pair.
   */
  private static void readPorts(MemorySegment s, long base, int cap, int at, DecodedPacket out) {
    out.srcPort = 0;
    out.dstPort = 0;
    if (at < 0 || at + 4 > cap) {
      return;
    }
    switch (out.protocol) {
      case PROTO_TCP, PROTO_UDP, PROTO_SCTP, PROTO_DCCP, PROTO_UDPLITE -> {
        out.srcPort = u16(s, base + at);
        out.dstPort = u16(s, base + at + 2);
      }
      default -> {}
    }
  }

  private static int u16(MemorySegment s, long at) {
    return s.get(U16, at) & 0xFFFF;
  }

  private static long mac(MemorySegment s, long at) {
    return ((long) u16(s, at) << 32) | (s.get(U32, at + 2) & 0xFFFF_FFFFL);
  }
}
