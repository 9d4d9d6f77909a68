package io.clustertop.core.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Bytes in, flow key and length out, for every framing and the edge cases of each header. */
class PacketDecoderTest {
  private static final String ETH = "020000000002" + "020000000001"; // dst, src
  /** IPv4, IHL 5, total length 0x003c (60), id, no fragment, TTL 64, TCP, 10.77.0.1 -> 10.77.0.2. */
  private static final String IPV4_TCP = "4500003c" + "12344000" + "4006" + "0000" + "0a4d0001" + "0a4d0002";
  private static final String TCP_PORTS = "c35001bb" + "00000000".repeat(4); // 50000 -> 443, 20 bytes
  /** IPv6, payload 20, UDP, fd77::1 -> fd77::2. */
  private static final String IPV6_UDP = "60000000" + "0014" + "11" + "40"
      + "fd770000000000000000000000000001" + "fd770000000000000000000000000002";
  private static final String UDP = "13890035" + "00140000" + "00".repeat(12); // 5001 -> 53

  private final PacketDecoder decoder = new PacketDecoder();
  private final DecodedPacket out = new DecodedPacket();

  private boolean decode(LinkType link, String hex) {
    return decode(link, hex, -1);
  }

  private boolean decode(LinkType link, String hex, int wire) {
    byte[] b = HexFormat.of().parseHex(hex);
    return decoder.decode(MemorySegment.ofArray(b), 0, b.length, wire < 0 ? b.length : wire, link, out);
  }

  @Test
  void ethernetIpv4TcpCountsTheTotalLengthAndReadsPorts() {
    assertTrue(decode(LinkType.ETHERNET, ETH + "0800" + IPV4_TCP + TCP_PORTS + "00".repeat(20)));
    assertEquals(4, out.ipVersion);
    assertEquals(0x0a4d0001L, out.srcLow);
    assertEquals(0x0a4d0002L, out.dstLow);
    assertEquals(6, out.protocol);
    assertEquals(50000, out.srcPort);
    assertEquals(443, out.dstPort);
    assertEquals(60, out.ipBytes);
  }

  @Test
  void ethernetPaddingIsNotCounted() {
    // a 28-byte ICMP datagram padded to Ethernet's 60-byte minimum
    String icmp = "4500001c" + "00000000" + "4001" + "0000" + "0a4d0001" + "0a4d0002" + "0800f7ff00000000";
    assertTrue(decode(LinkType.ETHERNET, ETH + "0800" + icmp + "00".repeat(18)));
    assertEquals(28, out.ipBytes);
    assertEquals(1, out.protocol);
    assertEquals(0, out.srcPort);
  }

  @Test
  void vlanAndQinQTagsAreWalked() {
    assertTrue(decode(LinkType.ETHERNET, ETH + "8100" + "0064" + "0800" + IPV4_TCP + TCP_PORTS + "00".repeat(20)));
    assertEquals(443, out.dstPort);
    assertTrue(decode(LinkType.ETHERNET, ETH + "88a8" + "0064" + "8100" + "00c8" + "0800" + IPV4_TCP + TCP_PORTS + "00".repeat(20)));
    assertEquals(60, out.ipBytes);
  }

  @Test
  void endlessVlanTagsAreMalformed() {
    assertFalse(decode(LinkType.ETHERNET, ETH + "81000064".repeat(6) + "0800" + IPV4_TCP + TCP_PORTS));
    assertEquals(1, decoder.counters().rejected(RejectReason.MALFORMED));
  }

  @Test
  void nonIpFramesAreRejectedAsNotIp() {
    assertFalse(decode(LinkType.ETHERNET, ETH + "0806" + "0001080006040001" + "00".repeat(20)));
    assertEquals(1, decoder.counters().rejected(RejectReason.NOT_IP));
  }

  @Test
  void ipv6CountsPayloadPlusFortyAndWalksExtensionHeaders() {
    assertTrue(decode(LinkType.ETHERNET, ETH + "86dd" + IPV6_UDP + UDP));
    assertEquals(6, out.ipVersion);
    assertEquals(60, out.ipBytes);
    assertEquals(5001, out.srcPort);
    assertEquals(53, out.dstPort);
    assertEquals(0xfd77000000000000L, out.srcHigh);
    assertEquals(2, out.dstLow);

    // hop-by-hop (8 bytes) then destination options (16 bytes) then UDP
    String withExtensions = "60000000" + "002c" + "00" + "40"
        + "fd770000000000000000000000000001" + "fd770000000000000000000000000002"
        + "3c00" + "000000000000" + "1101" + "00".repeat(14) + UDP;
    assertTrue(decode(LinkType.RAW, withExtensions));
    assertEquals(17, out.protocol);
    assertEquals(5001, out.srcPort);
    assertEquals(84, out.ipBytes);
  }

  @Test
  void laterFragmentsCarryNoPorts() {
    String fragment = "4500003c" + "1234" + "00b9" + "4006" + "0000" + "0a4d0001" + "0a4d0002"; // offset 185*8
    assertTrue(decode(LinkType.RAW, fragment + "00".repeat(40)));
    assertEquals(0, out.srcPort);
    assertEquals(0, out.dstPort);
    assertEquals(60, out.ipBytes);

    String ipv6Fragment = "60000000" + "0018" + "2c" + "40"
        + "fd770000000000000000000000000001" + "fd770000000000000000000000000002"
        + "1100" + "0008" + "00000001" + UDP; // fragment offset 1 (8 bytes)
    assertTrue(decode(LinkType.RAW, ipv6Fragment));
    assertEquals(17, out.protocol);
    assertEquals(0, out.srcPort);
  }

  @Test
  void ipv4OptionsMoveTheTransportHeader() {
    String withOptions = "4600" + "0040" + "00004000" + "4011" + "0000" + "0a4d0001" + "0a4d0002" + "01010100";
    assertTrue(decode(LinkType.IPV4, withOptions + UDP + "00".repeat(20)));
    assertEquals(5001, out.srcPort);
    assertEquals(64, out.ipBytes);
  }

  @Test
  void zeroLengthFieldsCountTheWireLengthLessTheLinkHeader() {
    String tso = "45000000" + "12344000" + "4006" + "0000" + "0a4d0001" + "0a4d0002";
    assertTrue(decode(LinkType.ETHERNET, ETH + "0800" + tso + TCP_PORTS, 14 + 65_226));
    assertEquals(65_226, out.ipBytes);

    String bigTcp = "60000000" + "0000" + "06" + "40"
        + "fd770000000000000000000000000001" + "fd770000000000000000000000000002";
    assertTrue(decode(LinkType.LINUX_SLL2, "86dd0000" + "00000002" + "0001" + "04" + "06" + "020000000001" + "0000"
        + bigTcp + TCP_PORTS, 20 + 185_000));
    assertEquals(185_000, out.ipBytes);
    assertEquals(LinkDirection.OUTGOING, out.linkDirection);
  }

  @Test
  void lengthsThatContradictTheFrameAreMalformed() {
    String tooLong = "45000fff" + "12344000" + "4006" + "0000" + "0a4d0001" + "0a4d0002";
    assertFalse(decode(LinkType.RAW, tooLong + TCP_PORTS));
    String shortHeader = "43000014" + "12344000" + "4006" + "0000" + "0a4d0001" + "0a4d0002";
    assertFalse(decode(LinkType.RAW, shortHeader));
    assertEquals(2, decoder.counters().rejected(RejectReason.MALFORMED));
  }

  @Test
  void headersCutByTheSnapLengthAreTruncatedButCutTransportHeadersStillCount() {
    assertFalse(decode(LinkType.ETHERNET, ETH + "0800" + IPV4_TCP.substring(0, 30)));
    assertEquals(1, decoder.counters().rejected(RejectReason.TRUNCATED));
    assertTrue(decode(LinkType.ETHERNET, ETH + "0800" + IPV4_TCP + "c350", 74));
    assertEquals(60, out.ipBytes);
    assertEquals(0, out.srcPort);
  }

  @Test
  void cookedHeadersGiveTheDirection() {
    String sll = "0000" + "0001" + "0006" + "0200000000010000" + "0800"; // to us
    assertTrue(decode(LinkType.LINUX_SLL, sll + IPV4_TCP + TCP_PORTS + "00".repeat(20)));
    assertEquals(LinkDirection.INCOMING, out.linkDirection);
    String sent = "0004" + "0001" + "0006" + "0200000000010000" + "0800";
    assertTrue(decode(LinkType.LINUX_SLL, sent + IPV4_TCP + TCP_PORTS + "00".repeat(20)));
    assertEquals(LinkDirection.OUTGOING, out.linkDirection);
  }

  @Test
  void localMacGivesTheDirectionOnEthernet() {
    PacketDecoder withMac = new PacketDecoder(0x020000000001L);
    byte[] b = HexFormat.of().parseHex(ETH + "0800" + IPV4_TCP + TCP_PORTS + "00".repeat(20));
    assertTrue(withMac.decode(MemorySegment.ofArray(b), 0, b.length, b.length, LinkType.ETHERNET, out));
    assertEquals(LinkDirection.OUTGOING, out.linkDirection);
  }

  @Test
  void aDirectionTheCaptureKnowsComesBeforeTheMac() {
    PacketDecoder withMac = new PacketDecoder(0x020000000001L);
    byte[] b = HexFormat.of().parseHex(ETH + "0800" + IPV4_TCP + TCP_PORTS + "00".repeat(20));
    MemorySegment frame = MemorySegment.ofArray(b);
    // The frame is from the local MAC, yet the kernel's packet type (a packet ring's) says received.
    assertTrue(withMac.decode(frame, 0, b.length, b.length, LinkType.ETHERNET, LinkDirection.INCOMING, out));
    assertEquals(LinkDirection.INCOMING, out.linkDirection);
    assertTrue(withMac.decode(frame, 0, b.length, b.length, LinkType.ETHERNET, LinkDirection.UNKNOWN, out));
    assertEquals(LinkDirection.OUTGOING, out.linkDirection, "unknown leaves it to the MAC");
    assertEquals(LinkDirection.INCOMING, LinkDirection.ofLinuxPacketType(2)); // multicast
    assertEquals(LinkDirection.UNKNOWN, LinkDirection.ofLinuxPacketType(3)); // to another host
  }

  @Test
  void bsdLoopbackInEitherByteOrder() {
    assertTrue(decode(LinkType.NULL, "02000000" + IPV4_TCP + TCP_PORTS + "00".repeat(20)));
    assertEquals(4, out.ipVersion);
    assertTrue(decode(LinkType.LOOP, "0000001e" + IPV6_UDP + UDP));
    assertEquals(6, out.ipVersion);
    assertFalse(decode(LinkType.NULL, "07000000" + IPV4_TCP));
  }

  @Test
  void unsupportedLinksAreCountedAsSuch() {
    assertFalse(decode(LinkType.UNSUPPORTED, IPV4_TCP));
    assertEquals(1, decoder.counters().rejected(RejectReason.UNSUPPORTED_LINK));
  }

  @Test
  void randomBytesNeverThrowAndAreAllCounted() {
    Random random = new Random(42);
    byte[] b = new byte[200];
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      random.nextBytes(b);
      // bias towards plausible headers so the deeper paths run too
      if (i % 2 == 0) {
        b[12] = 0x08;
        b[13] = (byte) (i % 4 == 0 ? 0x00 : 0xdd);
        b[14] = (byte) (i % 4 == 0 ? 0x45 : 0x60);
      }
      int cap = random.nextInt(b.length + 1);
      LinkType link = LinkType.values()[random.nextInt(LinkType.values().length)];
      decoder.decode(MemorySegment.ofArray(b), 0, cap, cap + random.nextInt(3000), link, out);
    }
    assertEquals(n, decoder.counters().seen());
  }
}
