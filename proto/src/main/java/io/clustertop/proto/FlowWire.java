package io.clustertop.proto;

import com.google.protobuf.ByteString;
import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.AttributionLookup;
import io.clustertop.core.attribution.FlowOwners;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FlowHistory;
import io.clustertop.core.report.Flows;
import io.clustertop.core.report.Gap;
import io.clustertop.core.report.Report;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.core.window.SlotClock;
import io.clustertop.core.table.ConversationStore;
import io.clustertop.core.table.Conversations;
import io.clustertop.core.table.SlotReader;
import io.clustertop.core.window.Windows;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.LogRecord;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.io.InputStream;
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
 * The local ends' processes and containers ride along through {@link AttributionWire}, which
 * the agent's builders here call and the collector's decoding reads (a batch's into
 * {@link FlowOwners}, an int per flow).
 *
 * <p>Thread safety: stateless. The table arguments belong to their owner's thread, so call these
 * from that thread.
 */
public final class FlowWire {

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
    return new io.clustertop.core.report.Hello(fromProto(hello.getIdentity()), hello.getOldestHeldSequence(),
        hello.getNewestSequence());
  }

  /** @throws IllegalArgumentException for a node address of neither 4 nor 16 bytes */
  public static AgentIdentity fromProto(io.clustertop.proto.v1.AgentIdentity id) {
    List<IpAddress> addresses = new ArrayList<>(id.getAddressesCount());
    for (ByteString a : id.getAddressesList()) {
      try {
        addresses.add(toAddress(a));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("a node address: " + e.getMessage(), e);
      }
    }
    return new AgentIdentity(id.getNode(), AgentId.of(id.getAgentId().toByteArray()), id.getEpoch(),
        id.getZone(), id.getRegion(), id.getLabelsMap(), addresses, id.getSource());
  }

  /** @throws IllegalArgumentException for a malformed flow key (see {@link #fromProto(FlowKey)}) */
  public static Batch fromProto(DeltaBatch batch) {
    try {
      return readBatch(CodedInputStream.newInstance(batch.toByteArray()), batch.getFlowsCount());
    } catch (IOException e) {
      throw new IllegalStateException("a message's own bytes do not read back", e);
    }
  }

  /** @throws IllegalArgumentException for a malformed flow key */
  public static io.clustertop.core.report.FullState fromProto(FullState state) {
    List<FlowHistory> flows = new ArrayList<>(state.getFlowsCount());
    java.util.Map<io.clustertop.core.flow.FlowKey, Attribution> owners = AttributionWire.of(state);
    for (FlowState f : state.getFlowsList()) {
      io.clustertop.core.flow.FlowKey key = fromProto(f.getKey());
      flows.add(new FlowHistory(key, fromProto(f.getCumulative()),
          f.getSlotsList().stream().map(FlowWire::fromProto).toList(), owners.get(key)));
    }
    return new io.clustertop.core.report.FullState(state.getSequence(), state.getFirstSlotStartUnixNanos(), flows,
        fromProto(state.getTotal()), state.getTotalSlotsList().stream().map(FlowWire::fromProto).toList(),
        ViewWire.fromProto(state.getCounters()), state.hasGap() ? fromProto(state.getGap()) : null);
  }

  public static Gap fromProto(io.clustertop.proto.v1.Gap g) {
    return new Gap(g.getFirstSequence(), g.getLastSequence(), g.getStartUnixNanos(), g.getEndUnixNanos());
  }

  // An agent's message, decoded at once into what it carries (the collector's ingest edge)

  /**
   * Reads one {@code AgentMessage} straight into core's types: a batch's flows go from the bytes into
   * packed columns, with no protobuf object per flow (the rare Hello and full state go through the
   * generated classes). A malformed address, port or protocol, or bytes that are not a message, make
   * an {@link Report.Unreadable} with the reason, for the ingest session to refuse.
   */
  public static Report decode(InputStream in) {
    try {
      int expected = in.available();
      Report report = readMessage(CodedInputStream.newInstance(in), AgentMessage.HELLO_FIELD_NUMBER,
          bytes -> fromProto(Hello.parseFrom(bytes)), AgentMessage.FULL_STATE_FIELD_NUMBER,
          AgentMessage.BATCH_FIELD_NUMBER, expected / BYTES_PER_FLOW);
      return report != null ? report : new Report.Unreadable("an empty message", false);
    } catch (IllegalArgumentException e) {
      return new Report.Unreadable(e.getMessage(), true);
    } catch (IOException e) {
      return new Report.Unreadable("not a message: " + e.getMessage(), false);
    }
  }

  /**
   * Reads one {@code LogRecord} of the agents' Kafka topic (log.proto) as {@link #decode} reads an
   * agent's message: its identity, and its batch (straight into packed columns) or full state. What
   * cannot be read, or carries no identity or no batch or full state, is a {@link Report.Unreadable}
   * (its identity null when that could not be read).
   */
  public static Published decodeLogRecord(byte[] bytes) {
    AgentIdentity[] identity = {null};
    try {
      Report report = readMessage(CodedInputStream.newInstance(bytes), LogRecord.IDENTITY_FIELD_NUMBER, field -> {
        identity[0] = fromProto(io.clustertop.proto.v1.AgentIdentity.parseFrom(field));
        return null;
      }, LogRecord.FULL_STATE_FIELD_NUMBER, LogRecord.BATCH_FIELD_NUMBER, bytes.length / BYTES_PER_FLOW);
      if (identity[0] == null) {
        return new Published(null, new Report.Unreadable("a record without the agent's identity", false));
      }
      return new Published(identity[0],
          report != null ? report : new Report.Unreadable("a record with neither a batch nor a full state", false));
    } catch (IllegalArgumentException e) {
      return new Published(identity[0], new Report.Unreadable(e.getMessage(), true));
    } catch (IOException e) {
      return new Published(identity[0], new Report.Unreadable("not a record: " + e.getMessage(), false));
    }
  }

  /**
   * A record of the agents' topic as read: who published it (null if that could not be read) and
   * what, a {@link Batch}, a {@link io.clustertop.core.report.FullState} or a {@link Report.Unreadable}.
   */
  public record Published(AgentIdentity identity, Report report) {}

  /** What one more field of a message makes of its bytes: a report, or null (it noted what it read). */
  @FunctionalInterface
  private interface FieldReader {
    Report read(com.google.protobuf.ByteString bytes) throws IOException;
  }

  /**
   * The fields of a message that holds a full state or a batch (an agent's message, a log record) and
   * one more field ({@code otherField}, given to {@code other}): the report it holds, a batch read
   * straight into packed columns; null if none.
   */
  private static Report readMessage(CodedInputStream c, int otherField, FieldReader other, int fullStateField,
      int batchField, int expectedFlows) throws IOException {
    Report report = null;
    while (!c.isAtEnd()) {
      int tag = c.readTag();
      int field = WireFormat.getTagFieldNumber(tag);
      if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        c.skipField(tag);
      } else if (field == otherField) {
        Report r = other.read(c.readBytes());
        report = r != null ? r : report;
      } else if (field == fullStateField) {
        report = fromProto(FullState.parseFrom(c.readBytes()));
      } else if (field == batchField) {
        int limit = c.pushLimit(c.readRawVarint32());
        report = readBatch(c, expectedFlows);
        c.popLimit(limit);
      } else {
        c.skipField(tag);
      }
    }
    return report;
  }

  /** About what one flow takes in a batch (BENCHMARKS.md: 43 bytes for IPv4), to size the columns once. */
  private static final int BYTES_PER_FLOW = 40;

  /** A DeltaBatch's fields, within the current limit. */
  private static Batch readBatch(CodedInputStream c, int expectedFlows) throws IOException {
    long sequence = 0;
    long start = 0;
    long end = 0;
    Flows flows = new Flows(expectedFlows);
    long[] total = new long[4];
    CaptureCounters counters = CaptureCounters.ZERO;
    Gap gap = null;
    long[] key = new long[5];
    long[] volume = new long[4];
    long[] address = new long[4];
    int[] owner = new int[1];
    int[] owners = null; // per flow, made at the first flow with an owner
    List<io.clustertop.proto.v1.LocalProcess> processes = new ArrayList<>();
    List<io.clustertop.proto.v1.Container> containers = new ArrayList<>();
    while (!c.isAtEnd()) {
      int tag = c.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case DeltaBatch.SEQUENCE_FIELD_NUMBER -> sequence = c.readUInt64();
        case DeltaBatch.START_UNIX_NANOS_FIELD_NUMBER -> start = c.readInt64();
        case DeltaBatch.END_UNIX_NANOS_FIELD_NUMBER -> end = c.readInt64();
        case DeltaBatch.FLOWS_FIELD_NUMBER -> {
          int limit = c.pushLimit(c.readRawVarint32());
          readFlow(c, key, volume, address, owner);
          c.popLimit(limit);
          if (owner[0] != FlowOwners.UNKNOWN) {
            if (owners == null) {
              owners = new int[Math.max(expectedFlows, flows.size() + 1)];
            } else if (owners.length <= flows.size()) {
              owners = Arrays.copyOf(owners, owners.length * 2);
            }
            owners[flows.size()] = owner[0];
          }
          flows.add(key[0], key[1], key[2], key[3], key[4], volume[0], volume[1], volume[2], volume[3]);
        }
        case DeltaBatch.PROCESSES_FIELD_NUMBER -> processes.add(io.clustertop.proto.v1.LocalProcess.parseFrom(c.readBytes()));
        case DeltaBatch.CONTAINERS_FIELD_NUMBER -> containers.add(io.clustertop.proto.v1.Container.parseFrom(c.readBytes()));
        case DeltaBatch.TOTAL_FIELD_NUMBER -> readVolumePair(c, total);
        case DeltaBatch.COUNTERS_FIELD_NUMBER ->
            counters = ViewWire.fromProto(io.clustertop.proto.v1.CaptureCounters.parseFrom(c.readBytes()));
        case DeltaBatch.GAP_FIELD_NUMBER -> {
          gap = fromProto(io.clustertop.proto.v1.Gap.parseFrom(c.readBytes()));
        }
        default -> c.skipField(tag);
      }
    }
    FlowOwners flowOwners = owners == null && processes.isEmpty() ? FlowOwners.NONE
        : new FlowOwners(owners == null ? new int[0] : owners, AttributionWire.processes(processes, containers));
    return new Batch(sequence, start, end, flows,
        new io.clustertop.core.flow.Volume(total[0], total[1], total[2], total[3]), counters, gap, flowOwners);
  }

  /**
   * A FlowDelta: its key packed into {@code key}, its volume into {@code volume} ({@code address}: room),
   * its owner into {@code owner[0]} as {@link FlowOwners} refers to it.
   */
  private static void readFlow(CodedInputStream c, long[] key, long[] volume, long[] address, int[] owner)
      throws IOException {
    java.util.Arrays.fill(volume, 0);
    java.util.Arrays.fill(address, 0);
    int process = 0;
    boolean unattributed = false;
    int localLength = 0;
    int remoteLength = 0;
    int localPort = 0;
    int remotePort = 0;
    int protocol = 0;
    while (!c.isAtEnd()) {
      int tag = c.readTag();
      switch (WireFormat.getTagFieldNumber(tag)) {
        case FlowDelta.KEY_FIELD_NUMBER -> {
          int limit = c.pushLimit(c.readRawVarint32());
          while (!c.isAtEnd()) {
            int keyTag = c.readTag();
            switch (WireFormat.getTagFieldNumber(keyTag)) {
              case FlowKey.LOCAL_ADDRESS_FIELD_NUMBER -> localLength = readAddress(c, address, 0);
              case FlowKey.REMOTE_ADDRESS_FIELD_NUMBER -> remoteLength = readAddress(c, address, 2);
              case FlowKey.LOCAL_PORT_FIELD_NUMBER -> localPort = c.readUInt32();
              case FlowKey.REMOTE_PORT_FIELD_NUMBER -> remotePort = c.readUInt32();
              case FlowKey.PROTOCOL_FIELD_NUMBER -> protocol = c.readUInt32();
              default -> c.skipField(keyTag);
            }
          }
          c.popLimit(limit);
        }
        case FlowDelta.VOLUME_FIELD_NUMBER -> readVolumePair(c, volume);
        case FlowDelta.PROCESS_FIELD_NUMBER -> process = c.readUInt32();
        case FlowDelta.UNATTRIBUTED_FIELD_NUMBER -> unattributed = c.readBool();
        default -> c.skipField(tag);
      }
    }
    if (process < 0) {
      throw new IllegalArgumentException("process reference " + Integer.toUnsignedString(process) + " out of range");
    }
    owner[0] = process != 0 ? process : unattributed ? FlowOwners.UNATTRIBUTED : FlowOwners.UNKNOWN;
    if (localLength != 4 && localLength != 16 || remoteLength != 4 && remoteLength != 16) {
      throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not "
          + (localLength != 4 && localLength != 16 ? localLength : remoteLength));
    }
    int version = localLength == 4 ? 4 : 6;
    if (localLength != remoteLength) {
      throw new IllegalArgumentException("a flow's two addresses differ in IP version: "
          + new IpAddress(version, address[0], address[1]) + ", "
          + new IpAddress(remoteLength == 4 ? 4 : 6, address[2], address[3]));
    }
    // uint32 values past 2^31 read as negative ints
    if (localPort < 0 || localPort > 0xFFFF || remotePort < 0 || remotePort > 0xFFFF || protocol < 0 || protocol > 0xFF) {
      throw new IllegalArgumentException("port above 65535 or protocol above 255: ports " + Integer.toUnsignedString(localPort)
          + " and " + Integer.toUnsignedString(remotePort) + ", protocol " + Integer.toUnsignedString(protocol));
    }
    key[0] = address[0];
    key[1] = address[1];
    key[2] = address[2];
    key[3] = address[3];
    key[4] = PackedKey.meta(version, protocol, localPort, remotePort);
  }

  /** An address's bytes into {@code out[at]} (high) and {@code out[at + 1]} (low), as IpAddress has them; its length. */
  private static int readAddress(CodedInputStream c, long[] out, int at) throws IOException {
    int length = c.readRawVarint32();
    if (length != 4 && length != 16) {
      c.skipRawBytes(length);
      return length;
    }
    long high = 0;
    long low = 0;
    for (int i = 0; i < length; i++) {
      long b = c.readRawByte() & 0xFF;
      if (length == 16 && i < 8) {
        high = high << 8 | b;
      } else {
        low = low << 8 | b;
      }
    }
    out[at] = high;
    out[at + 1] = low;
    return length;
  }

  /** A VolumePair into four fields: sent bytes, sent packets, received bytes, received packets. */
  private static void readVolumePair(CodedInputStream c, long[] into) throws IOException {
    int limit = c.pushLimit(c.readRawVarint32());
    while (!c.isAtEnd()) {
      int tag = c.readTag();
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == VolumePair.SENT_FIELD_NUMBER || field == VolumePair.RECEIVED_FIELD_NUMBER) {
        int at = field == VolumePair.SENT_FIELD_NUMBER ? 0 : 2;
        int inner = c.pushLimit(c.readRawVarint32());
        while (!c.isAtEnd()) {
          int volumeTag = c.readTag();
          switch (WireFormat.getTagFieldNumber(volumeTag)) {
            case Volume.BYTES_FIELD_NUMBER -> into[at] = c.readUInt64();
            case Volume.PACKETS_FIELD_NUMBER -> into[at + 1] = c.readUInt64();
            default -> c.skipField(volumeTag);
          }
        }
        c.popLimit(inner);
      } else {
        c.skipField(tag);
      }
    }
    c.popLimit(limit);
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
    long first = Math.max(0, last - Windows.SLOTS + 1);
    Conversations conversations = table.conversations();
    SlotReader totals = conversations.aggregates();
    FullState.Builder b = FullState.newBuilder()
        .setSequence(sequence)
        .setFirstSlotStartUnixNanos(currentSlotStartUnixNanos - (last - first) * SlotClock.SLOT_NANOS)
        .setTotal(cumulative(totals, ConversationStore.TOTALS))
        .setCounters(toProto(counters));
    // Every slot from the first, the one being filled included, which may have no write yet.
    for (long slot = first; slot <= last; slot++) {
      b.addTotalSlots(slot(totals, ConversationStore.TOTALS, slot));
    }
    AttributionWire.Tables tables = new AttributionWire.Tables();
    SlotReader figures = conversations.figures();
    for (int e = 0; e < conversations.size(); e++) {
      io.clustertop.core.flow.FlowKey key = conversations.key(e);
      FlowState.Builder f = FlowState.newBuilder().setKey(toProto(key)).setCumulative(cumulative(figures, e));
      // From `first` with no holes (idle slots are zeros) to the conversation's latest write.
      for (long slot = first; slot <= Math.min(last, figures.lastSlot(e)); slot++) {
        f.addSlots(slot(figures, e, slot));
      }
      Attribution owner = owners.of(key);
      b.addFlows(f.setProcess(tables.processRef(owner)).setUnattributed(AttributionWire.Tables.unattributed(owner)));
    }
    tables.addTo(b);
    return b.build();
  }

  private static VolumePair slot(SlotReader figures, int entry, long slot) {
    return volumePair(figures.cell(entry, slot, 0), figures.cell(entry, slot, 1), figures.cell(entry, slot, 2),
        figures.cell(entry, slot, 3));
  }

  private static VolumePair cumulative(SlotReader figures, int entry) {
    return volumePair(figures.cumulative(entry, 0), figures.cumulative(entry, 1), figures.cumulative(entry, 2),
        figures.cumulative(entry, 3));
  }
}
