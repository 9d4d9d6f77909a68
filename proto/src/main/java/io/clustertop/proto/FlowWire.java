package io.clustertop.proto;

import com.google.protobuf.ByteString;
import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.AttributionLookup;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.core.window.SlotHistory;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The one mapping between core's flow types (addresses, flow keys, an interval's table, the
 * conversation table) and the ingest messages: agents build their batches and full states here,
 * the collector reads the keys back here. The local ends' processes and containers ride along
 * through {@link AttributionWire}, which these methods call.
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
    return toBatch(flows, sequence, startUnixNanos, endUnixNanos, counters, maxFlows, AttributionLookup.NONE);
  }

  /** As above, each flow with its local end's process (or its unattributed mark) as {@code owners} knows it. */
  public static DeltaBatch toBatch(FlowAccumulator flows, long sequence, long startUnixNanos, long endUnixNanos,
      CaptureCounters counters, int maxFlows, AttributionLookup owners) {
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
    AttributionWire.Tables tables = new AttributionWire.Tables();
    for (int i = 0; i < Math.min(maxFlows, entries.length); i++) {
      int e = entries[i];
      io.clustertop.core.flow.FlowKey key = flows.key(e);
      FlowDelta.Builder f = FlowDelta.newBuilder()
          .setKey(toProto(key))
          .setVolume(volumePair(flows.sentBytes(e), flows.sentPackets(e),
              flows.receivedBytes(e), flows.receivedPackets(e)));
      Attribution owner = owners.of(key);
      b.addFlows(f.setProcess(tables.processRef(owner)).setUnattributed(AttributionWire.Tables.unattributed(owner)));
    }
    tables.addTo(b);
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
    return toFullState(table, sequence, currentSlotStartUnixNanos, counters, AttributionLookup.NONE);
  }

  /** As above, each flow with its local end's process (or its unattributed mark) as {@code owners} knows it. */
  public static FullState toFullState(ConversationTable table, long sequence, long currentSlotStartUnixNanos,
      CaptureCounters counters, AttributionLookup owners) {
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
    AttributionWire.Tables tables = new AttributionWire.Tables();
    table.forEachConversation((key, history) -> {
      FlowState.Builder f = FlowState.newBuilder().setKey(toProto(key)).setCumulative(cumulative(history));
      // The ring holds zeros for idle slots, so the list starts at `first` with no holes.
      history.forEachSlot(first, last, (slot, sb, sp, rb, rp) -> f.addSlots(volumePair(sb, sp, rb, rp)));
      Attribution owner = owners.of(key);
      b.addFlows(f.setProcess(tables.processRef(owner)).setUnattributed(AttributionWire.Tables.unattributed(owner)));
    });
    tables.addTo(b);
    return b.build();
  }

  private static VolumePair cumulative(SlotHistory h) {
    return volumePair(h.cumulativeSentBytes(), h.cumulativeSentPackets(),
        h.cumulativeReceivedBytes(), h.cumulativeReceivedPackets());
  }
}
