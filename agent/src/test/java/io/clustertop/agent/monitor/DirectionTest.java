package io.clustertop.agent.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.clustertop.agent.RecordedCaptures;
import io.clustertop.agent.RecordedCaptures.Counted;
import io.clustertop.agent.RecordedCaptures.Reference;
import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Which side is local, and which column a packet counts in, when nothing but the capture says:
 * the recorded captures read with no net filter, with and without the capturing host's addresses,
 * every directed 5-tuple compared with tshark's count oriented by iftop's rule
 * ({@link Reference#asIftop}): Ethernet, VLAN-tagged, Linux cooked (SLL2) and pcapng files.
 */
class DirectionTest {
  private static final Set<IpAddress> N1 = addresses("10.77.0.1", "fd77::1");
  private static final Set<IpAddress> N2 = addresses("10.77.0.2", "fd77::2");
  private static final Set<IpAddress> V1 = addresses("10.77.77.1", "fd77::77:1");
  private static final ViewOptions EVERY_CONVERSATION =
      new ViewOptions(true, true, PortDisplay.ON, SortOrder.SOURCE, Integer.MAX_VALUE, r -> true, List.of());

  @Test
  void anEthernetFileWithoutAddressesPutsTheLargerAddressLeftAndSplitsItsColumnsBySource() throws Exception {
    Path mix = RecordedCaptures.capture("mix.pcap");
    Counted counted = count(CaptureFile.open(mix), options());
    assertEquals(RecordedCaptures.reference(mix).asIftop(Set.of()), counted);
    // The row of the two nodes: 10.77.0.2 on the left, each column one direction, nothing sent by this host.
    List<Long> icmp = counted.rows().get(RecordedCaptures.key(ip("10.77.0.2"), 0, ip("10.77.0.1"), 0, 1));
    assertEquals(List.of(9L, 6388L, 10L, 6964L), icmp);
    assertEquals(0, counted.sentBytes());
  }

  @Test
  void anEthernetFileWithTheHostsAddressesOrMacPutsTheHostLeft() throws Exception {
    Path mix = RecordedCaptures.capture("mix.pcap");
    Counted expected = RecordedCaptures.reference(mix).asIftop(N1);
    assertEquals(expected, count(CaptureFile.open(mix), options().withLocalAddresses(List.copyOf(N1))));
    assertEquals(expected, count(CaptureFile.open(mix), options().withLocalMac(macOf(mix, ip("10.77.0.1")))),
        "the MAC address says as much as the addresses");
    assertNotEquals(0, expected.sentBytes());
  }

  @Test
  void aVlanTrunkWithAndWithoutAHostsAddresses() throws Exception {
    Path vlan = RecordedCaptures.capture("vlan.pcap");
    Reference reference = RecordedCaptures.reference(vlan);
    assertEquals(reference.asIftop(Set.of()), count(CaptureFile.open(vlan), options()));
    assertEquals(reference.asIftop(V1), count(CaptureFile.open(vlan), options().withLocalAddresses(List.copyOf(V1))));
  }

  @Test
  void aCookedCaptureSaysWhoCapturedIt() throws Exception {
    Path sll2 = RecordedCaptures.capture("any-sll2.pcap");
    Counted asN2 = RecordedCaptures.reference(sll2).asIftop(N2);
    assertEquals(asN2, count(CaptureFile.open(sll2), options()), "the packet type names n2, where it was captured");
    assertEquals(asN2, count(CaptureFile.open(sll2), options().withLocalAddresses(List.copyOf(N2))));
    Path sll = RecordedCaptures.capture("any-sll.pcap");
    assertEquals(RecordedCaptures.reference(sll).asIftop(N2), count(CaptureFile.open(sll), options()));
  }

  @Test
  void aPcapngInterfaceDescriptionWithAddressesOrMacPutsItsHostLeft() throws Exception {
    Path udp = RecordedCaptures.capture("udp-ipv6.pcapng");
    Reference reference = RecordedCaptures.reference(udp);
    byte[] file = Files.readAllBytes(udp);
    assertEquals(reference.asIftop(Set.of()), count(CaptureFile.of("plain", file), options()));
    byte[] withAddresses = withInterfaceOptions(file,
        option(4, bytes(ip("10.77.0.1")), new byte[] {(byte) 255, (byte) 255, 0, 0}),
        option(5, bytes(ip("fd77::1")), new byte[] {16}));
    CaptureFile described = CaptureFile.of("addresses", withAddresses);
    assertEquals(N1, Set.copyOf(described.localAddresses()));
    assertEquals(reference.asIftop(N1), count(described, options()));
    long mac = macOf(udp, ip("fd77::1"));
    byte[] withMac = withInterfaceOptions(file, option(6, Arrays.copyOfRange(ByteBuffer.allocate(8).putLong(mac).array(), 2, 8)));
    assertEquals(reference.asIftop(N1), count(CaptureFile.of("mac", withMac), options()));
  }

  @Test
  void anAgentCountsTrafficBetweenOtherHostsAsReceivedSoItsTotalsCoverItsRows() throws Exception {
    Counted counted = count(CaptureFile.open(RecordedCaptures.capture("vlan.pcap")),
        options().withPassing(Orientation.Passing.RECEIVED));
    long rowsSent = counted.rows().values().stream().mapToLong(v -> v.get(1)).sum();
    long rowsReceived = counted.rows().values().stream().mapToLong(v -> v.get(3)).sum();
    assertEquals(List.of(0L, 0L), List.of(rowsSent, counted.sentBytes()));
    assertEquals(counted.receivedBytes(), rowsReceived);
  }

  private static MonitorOptions options() {
    return new MonitorOptions(null, null, true, 1024, 10_000);
  }

  /** Runs the file through a monitor: every conversation's row and the interface totals at the end. */
  private static Counted count(PacketSource source, MonitorOptions options) throws Exception {
    Snapshot[] last = new Snapshot[1];
    try (source) {
      new Monitor(source, options).run(view -> {
        if (view.finished()) {
          last[0] = view.snapshot(EVERY_CONVERSATION);
        }
      });
    }
    Map<String, List<Long>> rows = new TreeMap<>();
    for (Row r : last[0].rows()) {
      rows.put(RecordedCaptures.key(r.left().host(), r.left().port(), r.right().host(), r.right().port(), r.protocol()),
          List.of(r.sent().packets(), r.sent().bytes(), r.received().packets(), r.received().bytes()));
    }
    var t = last[0].totals();
    return new Counted(rows, t.sent().packets(), t.sent().bytes(), t.received().packets(), t.received().bytes());
  }

  /** The source MAC address of the first Ethernet frame sent from {@code address}. */
  private static long macOf(Path capture, IpAddress address) throws Exception {
    long[] mac = {-1};
    byte[] want = bytes(address);
    try (CaptureFile file = CaptureFile.open(capture)) {
      file.run((segment, offset, captured, wire, link, time) -> {
        int type = Short.toUnsignedInt(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), offset + 12));
        int at = type == 0x0800 ? 26 : 22; // the IPv4 or IPv6 source address
        byte[] source = segment.asSlice(offset + at, want.length).toArray(ValueLayout.JAVA_BYTE);
        if (mac[0] < 0 && link == LinkType.ETHERNET && (type == 0x0800) == (want.length == 4) && Arrays.equals(source, want)) {
          mac[0] = segment.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), offset + 6) & 0xFFFF_FFFFL;
          mac[0] = mac[0] << 16 | Short.toUnsignedInt(segment.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN), offset + 10));
        }
      });
    }
    assertNotEquals(-1, mac[0], "a frame from " + address);
    return mac[0];
  }

  /**
   * The file with these options added to its first interface description block, as a capturing
   * program that knows its interface writes them (pcapng, section 4.2).
   */
  private static byte[] withInterfaceOptions(byte[] file, byte[]... options) {
    ByteBuffer in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getInt(8) != 0x1A2B3C4D) {
      in.order(ByteOrder.BIG_ENDIAN);
    }
    int sectionLength = in.getInt(4);
    int idb = sectionLength;
    assertEquals(1, in.getInt(idb), "the interface description follows the section header");
    int idbLength = in.getInt(idb + 4);
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(file, idb + 8, 8); // link type, reserved, snap length
    int at = idb + 16;
    while (at + 4 <= idb + idbLength - 4) { // the options already there, less the end of options
      int code = Short.toUnsignedInt(in.getShort(at));
      int length = Short.toUnsignedInt(in.getShort(at + 2));
      if (code == 0) {
        break;
      }
      body.write(file, at, 4 + ((length + 3) & ~3));
      at += 4 + ((length + 3) & ~3);
    }
    for (byte[] o : options) {
      ByteBuffer header = ByteBuffer.allocate(4).order(in.order());
      header.putShort(0, ByteBuffer.wrap(o).getShort(0)).putShort(2, ByteBuffer.wrap(o).getShort(2));
      body.write(header.array(), 0, 4);
      body.write(o, 4, o.length - 4);
    }
    body.write(new byte[4], 0, 4); // end of options
    byte[] newBody = body.toByteArray();
    ByteBuffer block = ByteBuffer.allocate(newBody.length + 12).order(in.order());
    block.putInt(1).putInt(newBody.length + 12).put(newBody).putInt(newBody.length + 12);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(file, 0, idb);
    out.writeBytes(block.array());
    out.write(file, idb + idbLength, file.length - idb - idbLength);
    return out.toByteArray();
  }

  /** An option: code and length (big-endian here, re-ordered by the writer), the value, padding to 4 bytes. */
  private static byte[] option(int code, byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    ByteBuffer b = ByteBuffer.allocate(4 + ((length + 3) & ~3));
    b.putShort((short) code).putShort((short) length);
    for (byte[] p : parts) {
      b.put(p);
    }
    return b.array();
  }

  private static byte[] bytes(IpAddress a) {
    return a.bytes();
  }

  private static IpAddress ip(String text) {
    return IpAddress.parse(text);
  }

  private static Set<IpAddress> addresses(String... texts) {
    return Arrays.stream(texts).map(IpAddress::parse).collect(Collectors.toUnmodifiableSet());
  }
}
