package io.clustertop.proto;

import com.google.protobuf.ByteString;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FlowHistory;
import io.clustertop.core.report.Flows;
import io.clustertop.core.report.Gap;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.core.window.SlotHistory;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The one mapping between core's flow types (addresses, flow keys, volumes, an interval's table,
 * the conversation table, what an agent reports) and the ingest messages: agents build their
 * batches and full states here, and the collector's ingest edge turns each message it takes into
 * core's {@code io.clustertop.core.report} types here, once; nothing behind it reads protobuf.
 *
 * <p>Thread safety: stateless. The table arguments belong to their owner's thread, so call these
 * from that thread.
 */
public final class FlowWire {
  private static final long SLOT_NANOS = SlotHistory.SLOT_SECONDS * 1_000_000_000L;

  private FlowWire() {}

  // Addresses and keys

  /** 4 bytes for IPv4, 16 for IPv6. */
  public static ByteString toBytes(IpAddress address) {
    return ByteString.copyFrom(address.bytes());
  }

  /**
   * The address in 4 or 16 bytes.
   *
   * @throws IllegalArgumentException for any other length: a message from a broken or foreign peer
   */
  public static IpAddress toAddress(ByteString bytes) {
    ByteBuffer b = bytes.asReadOnlyByteBuffer();
    return switch (bytes.size()) {
      case 4 -> IpAddress.v4(b.getInt());
      case 16 -> new IpAddress(6, b.getLong(), b.getLong());
      default -> throw new IllegalArgumentException(
          "an IP address has 4 or 16 bytes, not " + bytes.size());
    };
  }

  public static FlowKey toProto(io.clustertop.core.flow.FlowKey key) {
    return FlowKey.newBuilder()
        .setLocalAddress(toBytes(key.local()))
        .setRemoteAddress(toBytes(key.remote()))
        .setLocalPort(key.localPort())
        .setRemotePort(key.remotePort())
        .setProtocol(key.protocol())
        .build();
  }

  /** @throws IllegalArgumentException for a malformed address, mixed IP versions or out-of-range numbers */
  public static io.clustertop.core.flow.FlowKey fromProto(FlowKey key) {
    IpAddress local = toAddress(key.getLocalAddress());
    IpAddress remote = toAddress(key.getRemoteAddress());
    if (local.version() != remote.version()) {
      throw new IllegalArgumentException("a flow's two addresses differ in IP version: " + local + ", " + remote);
    }
    if (key.getLocalPort() > 0xFFFF || key.getRemotePort() > 0xFFFF || key.getProtocol() > 0xFF) {
      throw new IllegalArgumentException("port above 65535 or protocol above 255 in " + key);
    }
    return new io.clustertop.core.flow.FlowKey(
        local, remote, key.getLocalPort(), key.getRemotePort(), key.getProtocol());
  }

  public static VolumePair volumePair(long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
    return VolumePair.newBuilder()
        .setSent(Volume.newBuilder().setBytes(sentBytes).setPackets(sentPackets))
        .setReceived(Volume.newBuilder().setBytes(receivedBytes).setPackets(receivedPackets))
        .build();
  }

  public static VolumePair toProto(io.clustertop.core.flow.Volume v) {
    return volumePair(v.sentBytes(), v.sentPackets(), v.receivedBytes(), v.receivedPackets());
  }

  /** uint64 fields above 2^63 read as negative longs: the ingest edge refuses those as overflowed. */
  public static io.clustertop.core.flow.Volume fromProto(VolumePair v) {
    return new io.clustertop.core.flow.Volume(v.getSent().getBytes(), v.getSent().getPackets(),
        v.getReceived().getBytes(), v.getReceived().getPackets());
  }

  // Messages -> what an agent reports (the collector's ingest edge)

  /** @throws IllegalArgumentException for a node address of neither 4 nor 16 bytes */
  public static io.clustertop.core.report.Hello fromProto(Hello hello) {
    io.clustertop.proto.v1.AgentIdentity id = hello.getIdentity();
    List<IpAddress> addresses = new ArrayList<>(id.getAddressesCount());
    for (ByteString a : id.getAddressesList()) {
      try {
        addresses.add(toAddress(a));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a node address: " + e.getMessage(), e);
      }
    }
    AgentIdentity identity = new AgentIdentity(id.getNode(), AgentId.of(id.getAgentId().toByteArray()), id.getEpoch(),
        id.getZone(), id.getRegion(), id.getLabelsMap(), addresses, id.getSource());
    return new io.clustertop.core.report.Hello(identity, hello.getOldestHeldSequence(), hello.getNewestSequence());
  }

  /** @throws IllegalArgumentException for a malformed flow key (see {@link #fromProto(FlowKey)}) */
  public static Batch fromProto(DeltaBatch batch) {
    Flows flows = new Flows(batch.getFlowsCount());
    for (FlowDelta f : batch.getFlowsList()) {
      addPacked(flows, f.getKey(), fromProto(f.getVolume()));
    }
    Gap gap = null;
    if (batch.hasGap()) {
      io.clustertop.proto.v1.Gap g = batch.getGap();
      gap = new Gap(g.getFirstSequence(), g.getLastSequence(), g.getStartUnixNanos(), g.getEndUnixNanos());
    }
    return new Batch(batch.getSequence(), batch.getStartUnixNanos(), batch.getEndUnixNanos(), flows,
        fromProto(batch.getTotal()), ViewWire.fromProto(batch.getCounters()), gap);
  }

  /** @throws IllegalArgumentException for a malformed flow key */
  public static io.clustertop.core.report.FullState fromProto(FullState state) {
    List<FlowHistory> flows = new ArrayList<>(state.getFlowsCount());
    for (FlowState f : state.getFlowsList()) {
      flows.add(new FlowHistory(fromProto(f.getKey()), fromProto(f.getCumulative()),
          f.getSlotsList().stream().map(FlowWire::fromProto).toList()));
    }
    return new io.clustertop.core.report.FullState(state.getSequence(), state.getFirstSlotStartUnixNanos(), flows,
        fromProto(state.getTotal()), state.getTotalSlotsList().stream().map(FlowWire::fromProto).toList(),
        ViewWire.fromProto(state.getCounters()));
  }

  /** A key straight into packed columns, without an address object: the ingest edge's hot path. */
  private static void addPacked(Flows flows, FlowKey key, io.clustertop.core.flow.Volume volume) {
    ByteString local = key.getLocalAddress();
    ByteString remote = key.getRemoteAddress();
    if (local.size() != remote.size() || (local.size() != 4 && local.size() != 16)) {
      fromProto(key); // throws with the reason
    }
    if (key.getLocalPort() > 0xFFFF || key.getRemotePort() > 0xFFFF || key.getProtocol() > 0xFF) {
      throw new IllegalArgumentException("port above 65535 or protocol above 255 in " + key);
    }
    int version = local.size() == 4 ? 4 : 6;
    flows.add(high(local), low(local), high(remote), low(remote),
        PackedKey.meta(version, key.getProtocol(), key.getLocalPort(), key.getRemotePort()), volume);
  }

  private static long high(ByteString address) {
    return address.size() == 4 ? 0 : word(address, 0);
  }

  private static long low(ByteString address) {
    return address.size() == 4 ? word(address, 0) >>> 32 : word(address, 8);
  }

  /** Eight bytes from {@code offset}, big-endian (a 4-byte address: its four bytes in the high half). */
  private static long word(ByteString address, int offset) {
    long w = 0;
    int end = Math.min(address.size(), offset + 8);
    for (int i = offset; i < offset + 8; i++) {
      w = w << 8 | (i < end ? address.byteAt(i) & 0xFF : 0);
    }
    return w;
  }

  /** Core's counters as the wire has them (one mapping, shared with the watch messages). */
  public static io.clustertop.proto.v1.CaptureCounters toProto(CaptureCounters counters) {
    return ViewWire.toProto(counters);
  }

  // Interval -> batch

  /**
   * One interval as a batch: its conversations largest first (bytes both ways, then packets), cut
   * at {@code maxFlows}; the total is the interval table's own exact total, so what the cut leaves
   * out (and what the table itself sent to "other") still counts in the node's figures.
   */
  public static DeltaBatch toBatch(FlowAccumulator flows, long sequence, long startUnixNanos, long endUnixNanos,
      CaptureCounters counters, int maxFlows) {
    if (maxFlows < 0) {
      throw new IllegalArgumentException("maxFlows must not be negative: " + maxFlows);
    }
    Integer[] entries = new Integer[flows.size()];
    Arrays.setAll(entries, e -> e);
    Arrays.sort(entries, Comparator
        .comparingLong((Integer e) -> flows.sentBytes(e) + flows.receivedBytes(e))
        .thenComparingLong(e -> flows.sentPackets(e) + flows.receivedPackets(e))
        .reversed()); // stable: equal flows keep their order of first packet
    DeltaBatch.Builder b = DeltaBatch.newBuilder()
        .setSequence(sequence)
        .setStartUnixNanos(startUnixNanos)
        .setEndUnixNanos(endUnixNanos)
        .setTotal(volumePair(flows.totalSentBytes(), flows.totalSentPackets(),
            flows.totalReceivedBytes(), flows.totalReceivedPackets()))
        .setCounters(toProto(counters));
    for (int i = 0; i < Math.min(maxFlows, entries.length); i++) {
      int e = entries[i];
      b.addFlows(FlowDelta.newBuilder()
          .setKey(toProto(flows.key(e)))
          .setVolume(volumePair(flows.sentBytes(e), flows.sentPackets(e),
              flows.receivedBytes(e), flows.receivedPackets(e))));
    }
    return b.build();
  }

  // Conversation table -> full state

  /**
   * Everything {@code table} holds: per conversation its cumulative volumes and its slots of the
   * last 40 s (the slot being filled included, as it stands), and the interface totals likewise.
   * Slots are aligned on the first one of the window; a conversation's list stops at its latest
   * slot with traffic (later slots are zero), and is empty when it was idle for the whole window,
   * which keeps the message small for a table of mostly idle conversations.
   *
   * @param sequence the last batch whose traffic the table includes
   * @param currentSlotStartUnixNanos when the slot being filled began
   */
  public static FullState toFullState(ConversationTable table, long sequence, long currentSlotStartUnixNanos,
      CaptureCounters counters) {
    long last = table.completedSlots(); // the slot being filled
    long first = Math.max(0, last - SlotHistory.SLOTS + 1);
    FullState.Builder b = FullState.newBuilder()
        .setSequence(sequence)
        .setFirstSlotStartUnixNanos(currentSlotStartUnixNanos - (last - first) * SLOT_NANOS)
        .setTotal(cumulative(table.totals()))
        .setCounters(toProto(counters));
    table.totals().forEachSlot(first, last, (slot, sb, sp, rb, rp) -> b.addTotalSlots(volumePair(sb, sp, rb, rp)));
    while (b.getTotalSlotsCount() < last - first + 1) { // the slot being filled may have no write yet
      b.addTotalSlots(volumePair(0, 0, 0, 0));
    }
    table.forEachConversation((key, history) -> {
      FlowState.Builder f = FlowState.newBuilder().setKey(toProto(key)).setCumulative(cumulative(history));
      // The ring holds zeros for idle slots, so the list starts at `first` with no holes.
      history.forEachSlot(first, last, (slot, sb, sp, rb, rp) -> f.addSlots(volumePair(sb, sp, rb, rp)));
      b.addFlows(f);
    });
    return b.build();
  }

  private static VolumePair cumulative(SlotHistory h) {
    return volumePair(h.cumulativeSentBytes(), h.cumulativeSentPackets(),
        h.cumulativeReceivedBytes(), h.cumulativeReceivedPackets());
  }
}
