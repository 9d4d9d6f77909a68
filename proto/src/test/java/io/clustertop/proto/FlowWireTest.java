package io.clustertop.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlowWireTest {
  private static final IpAddress A = IpAddress.parse("10.0.0.1");
  private static final IpAddress B = IpAddress.parse("10.0.0.2");
  private static final IpAddress C = IpAddress.parse("192.168.7.9");
  private static final IpAddress D = IpAddress.parse("10.0.0.4");
  private static final CaptureCounters COUNTERS = new CaptureCounters(11, 1, 2, 10, 1, 1, 0, 0, 0, 3, 4, 5);

  @Test
  void addressesAreFourOrSixteenBytesBothWays() {
    assertEquals(ByteString.copyFrom(new byte[] {10, 0, 0, 1}), FlowWire.toBytes(A));
    assertEquals(A, FlowWire.toAddress(FlowWire.toBytes(A)));
    IpAddress v6 = IpAddress.parse("2001:db8::ff:1");
    assertEquals(16, FlowWire.toBytes(v6).size());
    assertEquals(v6, FlowWire.toAddress(FlowWire.toBytes(v6)));
    IpAddress top = IpAddress.parse("255.255.255.254");
    assertEquals(top, FlowWire.toAddress(FlowWire.toBytes(top)));
  }

  @Test
  void anyOtherAddressLengthIsRejected() {
    for (int length : new int[] {0, 1, 3, 5, 8, 15, 17}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> FlowWire.toAddress(ByteString.copyFrom(new byte[length])));
      assertEquals("an IP address has 4 or 16 bytes, not " + length, e.getMessage());
    }
  }

  @Test
  void flowKeysRoundTrip() {
    FlowKey key = new FlowKey(IpAddress.parse("fd77::1"), IpAddress.parse("fd77::2"), 65535, 9, 17);
    io.clustertop.proto.v1.FlowKey wire = FlowWire.toProto(key);
    assertEquals(65535, wire.getLocalPort());
    assertEquals(9, wire.getRemotePort());
    assertEquals(17, wire.getProtocol());
    assertEquals(key, FlowWire.fromProto(wire));
  }

  @Test
  void mixedVersionsAndOutOfRangeNumbersAreRejected() {
    io.clustertop.proto.v1.FlowKey mixed = FlowWire.toProto(new FlowKey(A, B, 1, 2, 6)).toBuilder()
        .setRemoteAddress(FlowWire.toBytes(IpAddress.parse("::1"))).build();
    assertThrows(IllegalArgumentException.class, () -> FlowWire.fromProto(mixed));
    io.clustertop.proto.v1.FlowKey bigPort = FlowWire.toProto(new FlowKey(A, B, 1, 2, 6)).toBuilder()
        .setLocalPort(65536).build();
    assertThrows(IllegalArgumentException.class, () -> FlowWire.fromProto(bigPort));
  }

  @Test
  void aBatchHoldsTheLargestFlowsAndTheExactTotal() {
    FlowAccumulator flows = new FlowAccumulator(16);
    add(flows, A, B, 100, Orientation.SENT);       // A-B: 100 sent
    add(flows, A, C, 700, Orientation.SENT);       // A-C: 700 sent + 300 received
    add(flows, C, A, 300, Orientation.RECEIVED);
    add(flows, A, D, 40, Orientation.SENT);        // A-D: 40 sent, 2 packets
    add(flows, A, D, 40, Orientation.SENT);
    add(flows, A, B, 20, Orientation.SENT);        // A-B: 120 sent, 2 packets

    DeltaBatch batch = FlowWire.toBatch(flows, 7, 1_000, 2_000, COUNTERS, 2);

    assertEquals(7, batch.getSequence());
    assertEquals(1_000, batch.getStartUnixNanos());
    assertEquals(2_000, batch.getEndUnixNanos());
    assertEquals(2, batch.getFlowsCount());
    assertEquals(new FlowKey(A, C, 0, 0, 17), FlowWire.fromProto(batch.getFlows(0).getKey()));
    assertEquals(FlowWire.volumePair(700, 1, 300, 1), batch.getFlows(0).getVolume());
    assertEquals(new FlowKey(A, B, 0, 0, 17), FlowWire.fromProto(batch.getFlows(1).getKey()));
    assertEquals(FlowWire.volumePair(120, 2, 0, 0), batch.getFlows(1).getVolume());
    // A-D (80 bytes) was cut, and still counts.
    assertEquals(FlowWire.volumePair(900, 5, 300, 1), batch.getTotal());
    assertEquals(ViewWire.toProto(COUNTERS), batch.getCounters());
    assertEquals(4, batch.getCounters().getOverflowPackets());
    assertEquals(3, FlowWire.toBatch(flows, 7, 1_000, 2_000, COUNTERS, 1000).getFlowsCount());
  }

  @Test
  void aFullStateHoldsTheTablesFiguresSlotBySlot() {
    ConversationTable table = new ConversationTable(100);
    FlowAccumulator flows = new FlowAccumulator(16);
    // slot 0: A-B 100 sent; slot 1: nothing; slot 2: A-B 10 received, A-C 50 sent (slot being filled).
    add(flows, A, B, 100, Orientation.SENT);
    table.add(flows);
    flows.clear();
    table.closeSlot();
    table.add(flows);
    table.closeSlot();
    add(flows, B, A, 10, Orientation.RECEIVED);
    add(flows, A, C, 50, Orientation.SENT);
    table.add(flows);

    FullState state = FlowWire.toFullState(table, 5, 10_000_000_000L, COUNTERS);

    assertEquals(5, state.getSequence());
    assertEquals(6_000_000_000L, state.getFirstSlotStartUnixNanos());
    assertEquals(FlowWire.volumePair(150, 2, 10, 1), state.getTotal());
    assertEquals(List.of(FlowWire.volumePair(100, 1, 0, 0), FlowWire.volumePair(0, 0, 0, 0),
        FlowWire.volumePair(50, 1, 10, 1)), state.getTotalSlotsList());
    assertEquals(ViewWire.toProto(COUNTERS), state.getCounters());
    assertEquals(2, state.getFlowsCount());
    FlowState ab = flow(state, new FlowKey(A, B, 0, 0, 17));
    assertEquals(FlowWire.volumePair(100, 1, 10, 1), ab.getCumulative());
    assertEquals(List.of(FlowWire.volumePair(100, 1, 0, 0), FlowWire.volumePair(0, 0, 0, 0),
        FlowWire.volumePair(0, 0, 10, 1)), ab.getSlotsList());
    FlowState ac = flow(state, new FlowKey(A, C, 0, 0, 17));
    assertEquals(FlowWire.volumePair(50, 1, 0, 0), ac.getCumulative());
    assertEquals(List.of(FlowWire.volumePair(0, 0, 0, 0), FlowWire.volumePair(0, 0, 0, 0),
        FlowWire.volumePair(50, 1, 0, 0)), ac.getSlotsList());
  }

  @Test
  void aFullStateCoversTwentySlotsAndListsEndAtTheLastTraffic() {
    ConversationTable table = new ConversationTable(100);
    FlowAccumulator flows = new FlowAccumulator(16);
    for (int slot = 0; slot < 30; slot++) {
      if (slot == 5 || slot == 12) {
        add(flows, A, B, 1_000 + slot, Orientation.SENT);
      }
      table.add(flows);
      flows.clear();
      table.closeSlot();
    }
    // 30 slots closed: the one being filled is slot 30, the window is slots 11 to 30.
    FullState state = FlowWire.toFullState(table, 60, 100 * 2_000_000_000L, COUNTERS);

    assertEquals(81 * 2_000_000_000L, state.getFirstSlotStartUnixNanos());
    assertEquals(20, state.getTotalSlotsCount());
    assertEquals(FlowWire.volumePair(1_012, 1, 0, 0), state.getTotalSlots(1));
    FlowState ab = flow(state, new FlowKey(A, B, 0, 0, 17));
    assertEquals(FlowWire.volumePair(2_017, 2, 0, 0), ab.getCumulative());
    assertEquals(List.of(FlowWire.volumePair(0, 0, 0, 0), FlowWire.volumePair(1_012, 1, 0, 0)), ab.getSlotsList());
  }

  private static FlowState flow(FullState state, FlowKey key) {
    return state.getFlowsList().stream().filter(f -> FlowWire.fromProto(f.getKey()).equals(key)).findFirst().orElseThrow();
  }

  /** One UDP packet of {@code bytes} from {@code src} to {@code dst}, oriented as given. */
  private static void add(FlowAccumulator flows, IpAddress src, IpAddress dst, long bytes, int orientation) {
    DecodedPacket p = new DecodedPacket();
    p.ipVersion = 4;
    p.srcLow = src.low();
    p.dstLow = dst.low();
    p.protocol = 17;
    p.ipBytes = bytes;
    flows.add(p, orientation);
  }

  @Test
  void aBatchBecomesCoreTypesOnceWithPackedKeys() {
    FlowKey v4 = new FlowKey(IpAddress.parse("255.1.2.3"), C, 40_000, 443, 6);
    FlowKey v6 = new FlowKey(IpAddress.parse("fd77::1"), IpAddress.parse("2001:db8::ff:1"), 53, 65535, 17);
    DeltaBatch wire = DeltaBatch.newBuilder().setSequence(7).setStartUnixNanos(1).setEndUnixNanos(2)
        .addFlows(io.clustertop.proto.v1.FlowDelta.newBuilder().setKey(FlowWire.toProto(v4))
            .setVolume(FlowWire.volumePair(100, 1, 20, 2)))
        .addFlows(io.clustertop.proto.v1.FlowDelta.newBuilder().setKey(FlowWire.toProto(v6))
            .setVolume(FlowWire.volumePair(5, 1, 0, 0)))
        .setTotal(FlowWire.volumePair(200, 3, 20, 2))
        .setCounters(FlowWire.toProto(COUNTERS))
        .setGap(io.clustertop.proto.v1.Gap.newBuilder().setFirstSequence(3).setLastSequence(6).setEndUnixNanos(1))
        .build();

    io.clustertop.core.report.Batch b = FlowWire.fromProto(wire);

    assertEquals(7, b.sequence());
    assertEquals(2, b.flows().size());
    assertEquals(v4, b.flows().key(0));
    assertEquals(v6, b.flows().key(1));
    assertEquals(new io.clustertop.core.flow.Volume(100, 1, 20, 2), b.flows().volume(0));
    assertEquals(new io.clustertop.core.flow.Volume(95, 1, 0, 0), b.rest());
    assertEquals(COUNTERS, b.counters());
    assertEquals(new io.clustertop.core.report.Gap(3, 6, 0, 1), b.gap());
    assertEquals(0, b.flows().keyField(0, io.clustertop.core.flow.PackedKey.LOCAL_HIGH));
    assertEquals(0xFF010203L, b.flows().keyField(0, io.clustertop.core.flow.PackedKey.LOCAL_LOW));
  }

  @Test
  void aMalformedKeyInABatchIsRejected() {
    DeltaBatch wire = DeltaBatch.newBuilder().setSequence(1)
        .addFlows(io.clustertop.proto.v1.FlowDelta.newBuilder().setKey(FlowWire.toProto(new FlowKey(A, B, 1, 2, 6))
            .toBuilder().setRemoteAddress(ByteString.copyFrom(new byte[5]))))
        .build();
    assertEquals("an IP address has 4 or 16 bytes, not 5",
        assertThrows(IllegalArgumentException.class, () -> FlowWire.fromProto(wire)).getMessage());
  }

  @Test
  void anAgentMessageIsDecodedFromItsBytesIntoWhatItCarries() throws Exception {
    DeltaBatch batch = DeltaBatch.newBuilder().setSequence(3).setEndUnixNanos(9)
        .addFlows(io.clustertop.proto.v1.FlowDelta.newBuilder().setKey(FlowWire.toProto(new FlowKey(A, C, 40_000, 443, 6)))
            .setVolume(FlowWire.volumePair(1, 2, 3, 4)))
        .setTotal(FlowWire.volumePair(10, 2, 3, 4))
        .build();
    // A field this version does not know (number 99) is skipped, as protobuf's own parser would.
    byte[] known = io.clustertop.proto.v1.AgentMessage.newBuilder().setBatch(batch).build().toByteArray();
    byte[] withUnknown = java.util.Arrays.copyOf(known, known.length + 3);
    withUnknown[known.length] = (byte) (99 << 3 & 0xFF | 0x80);
    withUnknown[known.length + 1] = (byte) (99 >> 4);
    withUnknown[known.length + 2] = 7;

    io.clustertop.core.report.Report r = FlowWire.decode(new java.io.ByteArrayInputStream(withUnknown));

    io.clustertop.core.report.Batch b = (io.clustertop.core.report.Batch) r;
    assertEquals(3, b.sequence());
    assertEquals(new FlowKey(A, C, 40_000, 443, 6), b.flows().key(0));
    assertEquals(new io.clustertop.core.flow.Volume(1, 2, 3, 4), b.flows().volume(0));
    assertEquals(new io.clustertop.core.flow.Volume(10, 2, 3, 4), b.total());
    io.clustertop.core.report.Report hello = FlowWire.decode(new java.io.ByteArrayInputStream(
        io.clustertop.proto.v1.AgentMessage.newBuilder().setHello(io.clustertop.proto.v1.Hello.newBuilder()
            .setIdentity(io.clustertop.proto.v1.AgentIdentity.newBuilder().setNode("n1"))).build().toByteArray()));
    assertEquals("n1", ((io.clustertop.core.report.Hello) hello).identity().node());
    assertEquals(new io.clustertop.core.report.Report.Unreadable("an empty message", false),
        FlowWire.decode(new java.io.ByteArrayInputStream(new byte[0])));
    DeltaBatch bad = batch.toBuilder().setFlows(0, batch.getFlows(0).toBuilder()
        .setKey(batch.getFlows(0).getKey().toBuilder().setLocalPort(70_000))).build();
    io.clustertop.core.report.Report refused = FlowWire.decode(new java.io.ByteArrayInputStream(
        io.clustertop.proto.v1.AgentMessage.newBuilder().setBatch(bad).build().toByteArray()));
    assertEquals(true, ((io.clustertop.core.report.Report.Unreadable) refused).malformedAddress());
  }

  @Test
  void aLogRecordIsDecodedIntoItsIdentityAndWhatItCarries() {
    DeltaBatch batch = DeltaBatch.newBuilder().setSequence(5).setEndUnixNanos(9)
        .addFlows(io.clustertop.proto.v1.FlowDelta.newBuilder().setKey(FlowWire.toProto(new FlowKey(A, C, 40_000, 443, 6)))
            .setVolume(FlowWire.volumePair(1, 2, 3, 4)))
        .setTotal(FlowWire.volumePair(1, 2, 3, 4))
        .build();
    io.clustertop.proto.v1.AgentIdentity identity = io.clustertop.proto.v1.AgentIdentity.newBuilder().setNode("n1")
        .setAgentId(ByteString.copyFrom(new byte[16])).setEpoch(7).addAddresses(FlowWire.toBytes(A)).build();

    FlowWire.Published p = FlowWire.decodeLogRecord(
        io.clustertop.proto.v1.LogRecord.newBuilder().setIdentity(identity).setBatch(batch).build().toByteArray());
    assertEquals("n1", p.identity().node());
    assertEquals(7, p.identity().epoch());
    assertEquals(List.of(A), p.identity().addresses());
    io.clustertop.core.report.Batch b = (io.clustertop.core.report.Batch) p.report();
    assertEquals(5, b.sequence());
    assertEquals(new FlowKey(A, C, 40_000, 443, 6), b.flows().key(0));

    FlowWire.Published state = FlowWire.decodeLogRecord(io.clustertop.proto.v1.LogRecord.newBuilder()
        .setIdentity(identity).setFullState(FullState.newBuilder().setSequence(9)).build().toByteArray());
    assertEquals(9, ((io.clustertop.core.report.FullState) state.report()).sequence());

    FlowWire.Published anonymous = FlowWire.decodeLogRecord(
        io.clustertop.proto.v1.LogRecord.newBuilder().setBatch(batch).build().toByteArray());
    assertEquals(null, anonymous.identity());
    assertEquals(new io.clustertop.core.report.Report.Unreadable("a record without the agent's identity", false),
        anonymous.report());
    FlowWire.Published empty = FlowWire.decodeLogRecord(
        io.clustertop.proto.v1.LogRecord.newBuilder().setIdentity(identity).build().toByteArray());
    assertEquals(new io.clustertop.core.report.Report.Unreadable("a record with neither a batch nor a full state", false),
        empty.report());
    FlowWire.Published garbage = FlowWire.decodeLogRecord(new byte[] {(byte) 0x0a, (byte) 0x7f});
    assertEquals(false, ((io.clustertop.core.report.Report.Unreadable) garbage.report()).malformedAddress());
  }
}
