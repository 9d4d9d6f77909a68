package io.clustertop.core.packet;

/**
 * The link-layer framings the decoder understands, with the numbers libpcap and capture files use
 * for them.
 *
 * <p>Live handles report DLT_ values and files carry LINKTYPE_ values; they agree except for raw
 * IP, which is DLT 12 on Linux, DLT 14 on OpenBSD and LINKTYPE 101 in files, so all three map to
 * {@link #RAW}.
 */
public enum LinkType {
  /** BSD loopback: a 4-byte address family in the capturing host's byte order. */
  NULL,
  /** Ethernet II, with up to four 802.1Q / 802.1ad tags. */
  ETHERNET,
  /** Raw IP: the version nibble says v4 or v6. */
  RAW,
  /** OpenBSD loopback: a 4-byte address family in network byte order. */
  LOOP,
  /** Linux cooked capture v1 (what {@code -i any} gave before libpcap 1.10). */
  LINUX_SLL,
  /** Linux cooked capture v2. */
  LINUX_SLL2,
  /** Raw IPv4 only. */
  IPV4,
  /** Raw IPv6 only. */
  IPV6,
  /** Anything else: every packet is rejected as of an unsupported link type. */
  UNSUPPORTED;

  /** Maps a DLT_ value (live handle) or LINKTYPE_ value (file) to a link type. */
  public static LinkType of(int code) {
    return switch (code & 0x0FFFFFFF) { // pcap files keep FCS bits above the link type
      case 0 -> NULL;
      case 1 -> ETHERNET;
      case 12, 14, 101 -> RAW;
      case 108 -> LOOP;
      case 113 -> LINUX_SLL;
      case 276 -> LINUX_SLL2;
      case 228 -> IPV4;
      case 229 -> IPV6;
      default -> UNSUPPORTED;
    };
  }
}
