package io.clustertop.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkDirection;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.packet.PacketDecoder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Blocks laid out in memory as the kernel lays out a TPACKET_V3 ring (linux/if_packet.h), walked
 * by {@link PacketRing}: every packet delivered with its lengths, time and direction, the block
 * handed back, the circle closed; stripped VLAN tags, loopback's sent copies, refiltering after a
 * filter change, and a block that does not add up.
 */
class PacketRingTest {
  private static final int BLOCK = 4096;
  private static final int BLOCKS = 3;
  /** Where the kernel puts the frame here: after tpacket3_hdr and sockaddr_ll, 16-aligned. */
  private static final int MAC_OFFSET = 80;
  private static final String ETH = "020000000002" + "020000000001"; // to 02::02, from 02::01
  /** IPv4, total length 0x0030 (48), UDP, 10.77.0.1 -> 10.77.0.2, then UDP 5001 -> 53 and 20 bytes. */
  private static final String IPV4_UDP = "45000030" + "00004000" + "4011" + "0000" + "0a4d0001" + "0a4d0002"
      + "13890035" + "001c0000" + "00".repeat(20);
  /** The same with the total length 0, as a sender's TSO leaves it: the length is the wire's. */
  private static final String IPV4_UDP_TSO = "45000000" + IPV4_UDP.substring(8);

  private final Arena arena = Arena.ofConfined();
  private final MemorySegment memory = arena.allocate((long) BLOCK * BLOCKS, 4096);
  private final List<String> seen = new ArrayList<>();
  private final List<Long> times = new ArrayList<>();

  @AfterEach
  void free() {
    arena.close();
  }

  /** What the handler was given, with the frame read back from where it was given. */
  private final PacketHandler recorder = new PacketHandler() {
    @Override
    public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
        long timestampNanos) {
      throw new AssertionError("the ring always says the direction");
    }

    @Override
    public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
        long timestampNanos, int linkDirection) {
      byte[] frame = segment.asSlice(offset, capturedLength).toArray(ValueLayout.JAVA_BYTE);
      times.add(timestampNanos);
      seen.add(capturedLength + "/" + wireLength + " " + link + " " + timestampNanos + " " + linkDirection + " "
          + HexFormat.of().formatHex(frame, 0, Math.min(16, frame.length)));
    }
  };

  /** Writes one block's packets as the kernel does, then hands the block to user space. */
  private final class Block {
    private final long start;
    private long at;
    private int count;

    Block(int index) {
      start = (long) index * BLOCK;
      at = start + PacketRing.BLOCK_HEADER;
    }

    Block packet(String hex, int wire, int seconds, int nanos, int packetType, int status, int vlanTci) {
      byte[] frame = HexFormat.of().parseHex(hex);
      long next = (MAC_OFFSET + frame.length + 15) & ~15;
      memory.set(ValueLayout.JAVA_INT, at, (int) next); // tp_next_offset
      memory.set(ValueLayout.JAVA_INT, at + 4, seconds);
      memory.set(ValueLayout.JAVA_INT, at + 8, nanos);
      memory.set(ValueLayout.JAVA_INT, at + 12, frame.length); // tp_snaplen
      memory.set(ValueLayout.JAVA_INT, at + 16, wire); // tp_len
      memory.set(ValueLayout.JAVA_INT, at + 20, status);
      memory.set(ValueLayout.JAVA_SHORT, at + 24, (short) MAC_OFFSET);
      memory.set(ValueLayout.JAVA_SHORT, at + 26, (short) (MAC_OFFSET + 14));
      memory.set(ValueLayout.JAVA_INT, at + 32, vlanTci);
      memory.set(ValueLayout.JAVA_SHORT, at + 48, (short) Libc.AF_PACKET); // sockaddr_ll
      memory.set(ValueLayout.JAVA_BYTE, at + 58, (byte) packetType);
      MemorySegment.copy(MemorySegment.ofArray(frame), 0, memory, at + MAC_OFFSET, frame.length);
      at += next;
      count++;
      return this;
    }

    Block packet(String hex, int seconds, int packetType) {
      return packet(hex, hex.length() / 2, seconds, 0, packetType, 0, 0);
    }

    void handOver() {
      memory.set(ValueLayout.JAVA_INT, start + 12, count); // num_pkts
      memory.set(ValueLayout.JAVA_INT, start + 16, PacketRing.BLOCK_HEADER); // offset_to_first_pkt
      memory.set(ValueLayout.JAVA_INT, start + 8, PacketRing.TP_STATUS_USER); // block_status, last
    }
  }

  private int status(int block) {
    return memory.get(ValueLayout.JAVA_INT, (long) block * BLOCK + 8);
  }

  private PacketRing ring(boolean loopback) {
    return new PacketRing(memory, BLOCK, BLOCKS, LinkType.ETHERNET, loopback);
  }

  @Test
  void everyPacketOfABlockIsDeliveredAndTheBlockHandedBack() throws CaptureException {
    PacketRing ring = ring(false);
    assertFalse(ring.readBlock(recorder), "a block the kernel still holds is not read");
    new Block(0)
        .packet(ETH + "0800" + IPV4_UDP, 1_700_000_000, 0) // to us
        .packet(ETH + "0800" + IPV4_UDP.substring(0, 60), 62, 1_700_000_001, 250, 4, 0, 0) // sent by us, cut short
        .packet(ETH + "0800" + IPV4_UDP, 1_700_000_002, 3) // to another host
        .handOver();

    assertTrue(ring.readBlock(recorder));

    String frame = (ETH + "08004500").toLowerCase();
    assertEquals(List.of(
        "62/62 ETHERNET 1700000000000000000 " + LinkDirection.INCOMING + " " + frame,
        "44/62 ETHERNET 1700000001000000250 " + LinkDirection.OUTGOING + " " + frame,
        "62/62 ETHERNET 1700000002000000000 " + LinkDirection.UNKNOWN + " " + frame), seen);
    assertEquals(PacketRing.TP_STATUS_KERNEL, status(0), "handed back");
    assertFalse(ring.readBlock(recorder), "the next block is the kernel's");
  }

  @Test
  void theBlocksAreReadInACircle() throws CaptureException {
    PacketRing ring = ring(false);
    for (int round = 0; round < 2; round++) {
      for (int b = 0; b < BLOCKS; b++) {
        new Block(b).packet(ETH + "0800" + IPV4_UDP, round * BLOCKS + b, 0).handOver();
        assertTrue(ring.readBlock(recorder));
      }
    }
    assertEquals(List.of(0L, 1_000_000_000L, 2_000_000_000L, 3_000_000_000L, 4_000_000_000L, 5_000_000_000L), times);
  }

  @Test
  void broadcastAndMulticastAreIncomingAsInACookedCapture() throws CaptureException {
    new Block(0).packet(ETH + "0800" + IPV4_UDP, 1, 1).packet(ETH + "0800" + IPV4_UDP, 2, 2).handOver();
    ring(false).readBlock(recorder);
    assertTrue(seen.stream().allMatch(s -> s.contains(" " + LinkDirection.INCOMING + " ")), seen.toString());
  }

  @Test
  void aLoopbackDevicesSentCopiesAreSkipped() throws CaptureException {
    new Block(0)
        .packet(ETH + "0800" + IPV4_UDP, 1, 4) // the sent copy
        .packet(ETH + "0800" + IPV4_UDP, 2, 0) // the same packet, received
        .handOver();
    ring(true).readBlock(recorder);
    assertEquals(List.of(2_000_000_000L), times);
    assertTrue(seen.get(0).contains(" " + LinkDirection.UNKNOWN + " "), "the MAC decides on loopback: " + seen);
  }

  /**
   * The kernel took the tag off (TP_STATUS_VLAN_VALID, the tag in tp_vlan_tci, 4 bytes less in both
   * lengths); libpcap would put it back. Either way the decoder must count the same bytes for the
   * same flow, also where the IP length is 0 and the wire length decides.
   */
  @Test
  void aFrameWhoseTagTheKernelStrippedCountsAsTheTaggedFrame() throws CaptureException {
    for (String ip : List.of(IPV4_UDP, IPV4_UDP_TSO)) {
      seen.clear();
      String stripped = ETH + "0800" + ip;
      String tagged = ETH + "8100" + "0064" + "0800" + ip;
      new Block(0).packet(stripped, stripped.length() / 2, 7, 0, 0, PacketRing.TP_STATUS_VLAN_VALID, 100).handOver();
      DecodedPacket fromRing = new DecodedPacket();
      PacketDecoder decoder = new PacketDecoder(0x020000000002L);
      ring(false).readBlock(new PacketHandler() {
        @Override
        public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
            long timestampNanos) {
          throw new AssertionError();
        }

        @Override
        public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
            long timestampNanos, int linkDirection) {
          assertTrue(decoder.decode(segment, offset, capturedLength, wireLength, link, linkDirection, fromRing));
        }
      });
      byte[] frame = HexFormat.of().parseHex(tagged);
      DecodedPacket fromLibpcap = new DecodedPacket();
      assertTrue(new PacketDecoder(0x020000000002L).decode(MemorySegment.ofArray(frame), 0, frame.length, frame.length,
          LinkType.ETHERNET, fromLibpcap));
      assertEquals(48, fromRing.ipBytes);
      assertEquals(fromLibpcap.ipBytes, fromRing.ipBytes);
      assertEquals(fromLibpcap.srcLow, fromRing.srcLow);
      assertEquals(fromLibpcap.dstLow, fromRing.dstLow);
      assertEquals(fromLibpcap.srcPort, fromRing.srcPort);
      assertEquals(fromLibpcap.dstPort, fromRing.dstPort);
      assertEquals(fromLibpcap.linkDirection, fromRing.linkDirection);
      memory.set(ValueLayout.JAVA_INT, 8, PacketRing.TP_STATUS_KERNEL);
    }
  }

  @Test
  void afterAFilterChangeWhatTheRingHeldIsFilteredAgain() throws CaptureException {
    PacketRing ring = ring(false);
    String small = ETH + "0800" + IPV4_UDP.substring(0, 60); // 44 bytes captured
    String large = ETH + "0800" + IPV4_UDP; // 62
    new Block(0).packet(small, 1, 0).packet(large, 2, 0).handOver(); // held when the filter changes
    ring.refilterPending((address, captured, wire) -> captured > 50); // and block 1, being filled
    assertTrue(ring.readBlock(recorder));
    new Block(1).packet(small, 3, 0).packet(large, 4, 0).handOver();
    assertTrue(ring.readBlock(recorder));
    new Block(2).packet(small, 5, 0).handOver(); // filled after the change: the kernel filtered it
    assertTrue(ring.readBlock(recorder));
    assertEquals(List.of(2_000_000_000L, 4_000_000_000L, 5_000_000_000L), times);
  }

  @Test
  void aFrameReachingPastItsBlockIsRefused() {
    new Block(0).packet(ETH + "0800" + IPV4_UDP, 1, 0).handOver();
    memory.set(ValueLayout.JAVA_INT, PacketRing.BLOCK_HEADER + 12, BLOCK); // tp_snaplen past the block's end
    CaptureException e = assertThrows(CaptureException.class, () -> ring(false).readBlock(recorder));
    assertTrue(e.getMessage().startsWith("corrupted block 0 in the kernel's ring: frame of 4096 bytes"), e.getMessage());
    assertTrue(seen.isEmpty());
  }
}
