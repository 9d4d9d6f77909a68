package io.clustertop.agent.capture;

import io.clustertop.core.packet.LinkDirection;
import io.clustertop.core.packet.LinkType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * The kernel's TPACKET_V3 receive ring, as mapped memory: a circle of equal blocks that the kernel
 * fills with packets and hands over one at a time ({@code block_status} = TP_STATUS_USER), and
 * that we walk and hand back (TP_STATUS_KERNEL). Nothing here makes a system call or an object:
 * {@link #readBlock} is the whole per-packet path of live capture above the decoder.
 *
 * <pre>
 *  block (tpacket_block_desc)             packet (tpacket3_hdr, then sockaddr_ll, then the frame)
 *  +0  version                            +0  tp_next_offset   +24 tp_mac  (frame offset)
 *  +8  block_status  ← handed over here   +4  tp_sec           +26 tp_net
 *  +12 num_pkts                           +8  tp_nsec          +32 tp_vlan_tci
 *  +16 offset_to_first_pkt                +12 tp_snaplen       +48 sockaddr_ll: +58 sll_pkttype
 *  +20 blk_len                            +16 tp_len (wire)
 *                                         +20 tp_status (TP_STATUS_VLAN_VALID: a tag was stripped)
 * </pre>
 *
 * <p>VLAN tags: the kernel takes the outermost tag off every received frame before any packet
 * socket sees it (and off sent ones where the driver offloads tagging), keeping it in
 * {@code tp_vlan_tci}; {@code tp_len} and {@code tp_snaplen} then leave its 4 bytes out. libpcap
 * moves the header apart to put the tag back, and adds 4 to both lengths; we hand the frame over
 * as the kernel left it. The decoder counts IP bytes from the IP header (or, where that length is
 * 0, as the wire length less the link header it walked), so both forms give the same bytes and the
 * same flow key, and inner tags (QinQ) stay in the frame for the decoder to walk.
 *
 * <p>Direction: the kernel's packet type ({@code sll_pkttype}), as for a Linux cooked capture:
 * to us, broadcast and multicast are incoming, sent by us is outgoing, to another host (a
 * promiscuous capture) says nothing. On a loopback device every packet is seen twice, sent and
 * received; as libpcap does, the sent copy is skipped, and the copy kept says nothing (it is always
 * "to us"): the device's all-zero MAC decides, as it did through libpcap and does in iftop.
 *
 * <p>Refiltering: packets already in the ring when the filter changes passed the old filter. As
 * libpcap does, they are run through the new one ({@link PacketFilter}) until the block the kernel
 * was filling at the change has been read.
 *
 * <p>Thread safety: one reader thread. The kernel's side is ordered by {@code block_status}: read
 * with acquire semantics before the block's packets, written with release semantics after.
 */
final class PacketRing {
  static final int TP_STATUS_KERNEL = 0;
  static final int TP_STATUS_USER = 1;
  static final int TP_STATUS_VLAN_VALID = 1 << 4;
  /** Size of the block descriptor, rounded as the kernel does (BLK_PLUS_PRIV with no private area). */
  static final int BLOCK_HEADER = 48;
  /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)): where the sockaddr_ll begins. */
  static final int PACKET_HEADER = 48;
  static final int SOCKADDR_LL = 20;

  /** sll_pkttype of a packet this host sent. */
  static final int PACKET_OUTGOING = 4;

  private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT; // native order, aligned
  private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT;
  private static final VarHandle STATUS = ValueLayout.JAVA_INT.varHandle();

  /** A filter run on packets the kernel filtered with an older one. */
  interface PacketFilter {
    /** @param address the frame's address in memory */
    boolean accepts(long address, int capturedLength, int wireLength);
  }

  private final MemorySegment ring;
  private final int blockSize;
  private final int blocks;
  private final LinkType link;
  private final boolean loopback;
  private int current;
  private PacketFilter refilter;
  private int blocksToRefilter;

  /**
   * @param ring the mapping: {@code blocks} blocks of {@code blockSize} bytes
   * @param loopback the device is a loopback device (its sent copies are skipped)
   */
  PacketRing(MemorySegment ring, int blockSize, int blocks, LinkType link, boolean loopback) {
    if (ring.byteSize() < (long) blockSize * blocks) {
      throw new IllegalArgumentException("ring of " + ring.byteSize() + " bytes for " + blocks + " x " + blockSize);
    }
    this.ring = ring;
    this.blockSize = blockSize;
    this.blocks = blocks;
    this.link = link;
    this.loopback = loopback;
  }

  /**
   * Delivers every packet of the next block to {@code handler}, then hands the block back to the
   * kernel and moves on to the next.
   *
   * @return false, having done nothing, if the next block is still the kernel's
   * @throws CaptureException if the block's layout does not fit inside it (a kernel we do not
   *     understand): nothing of that block is delivered past the fault
   */
  boolean readBlock(PacketHandler handler) throws CaptureException {
    long block = (long) current * blockSize;
    if ((statusOf(current) & TP_STATUS_USER) == 0) {
      return false;
    }
    long count = ring.get(U32, block + 12) & 0xFFFF_FFFFL;
    long at = block + (ring.get(U32, block + 16) & 0xFFFF_FFFFL);
    long end = block + blockSize;
    PacketFilter filter = blocksToRefilter > 0 ? refilter : null;
    for (long i = 0; i < count; i++) {
      if (at < block + BLOCK_HEADER || at + PACKET_HEADER + SOCKADDR_LL > end) {
        throw corrupt(block, "packet header at " + (at - block));
      }
      int snaplen = ring.get(U32, at + 12);
      int wire = ring.get(U32, at + 16);
      long frame = at + (ring.get(U16, at + 24) & 0xFFFF);
      if (snaplen < 0 || frame + snaplen > end) {
        throw corrupt(block, "frame of " + snaplen + " bytes at " + (frame - block));
      }
      int packetType = ring.get(ValueLayout.JAVA_BYTE, at + PACKET_HEADER + 10) & 0xFF;
      if (!(loopback && packetType == PACKET_OUTGOING)
          && (filter == null || filter.accepts(ring.address() + frame, snaplen, wire))) {
        long nanos = (ring.get(U32, at + 4) & 0xFFFF_FFFFL) * 1_000_000_000L + (ring.get(U32, at + 8) & 0xFFFF_FFFFL);
        handler.packet(ring, frame, snaplen, wire, link, nanos,
            loopback ? LinkDirection.UNKNOWN : LinkDirection.ofLinuxPacketType(packetType));
      }
      at += ring.get(U32, at) & 0xFFFF_FFFFL;
    }
    STATUS.setRelease(ring, block + 8, TP_STATUS_KERNEL);
    current = current + 1 == blocks ? 0 : current + 1;
    if (blocksToRefilter > 0 && --blocksToRefilter == 0) {
      refilter = null;
    }
    return true;
  }

  /**
   * The filter has just changed in the kernel to {@code filter}: the blocks we hold and the one the
   * kernel is filling hold packets that passed the old one. Those are run through {@code filter}.
   */
  void refilterPending(PacketFilter filter) {
    int held = 0;
    while (held < blocks && (statusOf((current + held) % blocks) & TP_STATUS_USER) != 0) {
      held++;
    }
    refilter = filter;
    blocksToRefilter = Math.min(held + 1, blocks); // and the one being filled
  }

  private int statusOf(int index) {
    return (int) STATUS.getAcquire(ring, (long) index * blockSize + 8);
  }

  private CaptureException corrupt(long block, String what) {
    return new CaptureException("corrupted block " + block / blockSize + " in the kernel's ring: " + what);
  }
}
