package io.clustertop.core.flow;

import io.clustertop.core.packet.DecodedPacket;
import java.util.Arrays;

/**
 * The capture thread's table of one interval: bytes and packets per conversation since the last
 * drain, plus the interface totals.
 *
 * <p>Open addressing over parallel primitive arrays. They start small and double when full, up to
 * {@link #maxFlows()}, and {@link #clear()} keeps their size: a table grows a handful of times in
 * its life, to what its busiest interval held, and after that adding a packet allocates nothing.
 * (Sized for the limit at once, the agent's two tables held 10 MB of its heap on an idle node.)
 * When the table holds {@link #maxFlows()} conversations, the packets of further new
 * conversations go to the "other" counters and are counted as overflow; the interface totals stay
 * exact either way.
 *
 * <p>Thread safety: none. One thread fills an accumulator; the hand-off to the reader (see the
 * capture loop) publishes it safely, and the reader clears it before handing it back.
 */
public final class FlowAccumulator {
  private static final int SENT = 0;
  private static final int RECEIVED = 1;

  /** Entries a new table has room for before it first grows. */
  static final int INITIAL_CAPACITY = 1024;

  private final int maxFlows;
  /** Entries the arrays have room for now: doubles when full, up to {@link #maxFlows}. */
  private int capacity;
  private int mask;
  /** Slot index + 1 of each used slot, 0 for empty: the table's occupancy. */
  private int[] slotEntry;
  // Per entry, in insertion order (entries are dense; slots point at them).
  private long[] localHigh;
  private long[] localLow;
  private long[] remoteHigh;
  private long[] remoteLow;
  /** version << 24 | protocol << 16, and the ports packed in {@link #ports}. */
  private int[] versionProtocol;
  private int[] ports;
  private long[] bytes; // [entry * 2 + SENT|RECEIVED]
  private long[] packets;
  private int size;

  private final long[] totalBytes = new long[2];
  private final long[] totalPackets = new long[2];
  private final long[] otherBytes = new long[2];
  private final long[] otherPackets = new long[2];
  private long overflowPackets;
  private long ignoredPackets;

  public FlowAccumulator(int maxFlows) {
    if (maxFlows < 1) {
      throw new IllegalArgumentException("maxFlows must be positive: " + maxFlows);
    }
    this.maxFlows = maxFlows;
    this.capacity = Math.min(maxFlows, INITIAL_CAPACITY);
    this.mask = slotsFor(capacity) - 1;
    this.slotEntry = new int[mask + 1];
    this.localHigh = new long[capacity];
    this.localLow = new long[capacity];
    this.remoteHigh = new long[capacity];
    this.remoteLow = new long[capacity];
    this.versionProtocol = new int[capacity];
    this.ports = new int[capacity];
    this.bytes = new long[capacity * 2];
    this.packets = new long[capacity * 2];
  }

  /** Slots for {@code entries}: a power of two, at least twice as many (load factor <= 1/2). */
  private static int slotsFor(int entries) {
    return Integer.highestOneBit(Math.max(2, entries) * 2 - 1) * 2;
  }

  /**
   * Doubles the room for entries (up to {@link #maxFlows}) and places the slots again. Runs on the
   * filling thread when the table is full, so at most log2(maxFlows / {@value #INITIAL_CAPACITY})
   * times in a table's life.
   */
  private void grow() {
    capacity = (int) Math.min(maxFlows, 2L * capacity);
    localHigh = Arrays.copyOf(localHigh, capacity);
    localLow = Arrays.copyOf(localLow, capacity);
    remoteHigh = Arrays.copyOf(remoteHigh, capacity);
    remoteLow = Arrays.copyOf(remoteLow, capacity);
    versionProtocol = Arrays.copyOf(versionProtocol, capacity);
    ports = Arrays.copyOf(ports, capacity);
    bytes = Arrays.copyOf(bytes, capacity * 2);
    packets = Arrays.copyOf(packets, capacity * 2);
    mask = slotsFor(capacity) - 1;
    slotEntry = new int[mask + 1];
    for (int e = 0; e < size; e++) {
      int slot = hash(localHigh[e], localLow[e], remoteHigh[e], remoteLow[e], versionProtocol[e], ports[e]) & mask;
      while (slotEntry[slot] != 0) {
        slot = (slot + 1) & mask;
      }
      slotEntry[slot] = e + 1;
    }
  }

  /**
   * Counts one decoded packet: in its conversation's column and in the interface totals, which
   * differ only for {@link Orientation#PASSED_FROM_LEFT} (the row's sent column, the interface's
   * received), so rows plus "other" add up to the totals both ways together, and column by column
   * unless traffic between two other hosts was split by its source.
   *
   * @param orientation one of {@link Orientation}'s results
   */
  public void add(DecodedPacket p, int orientation) {
    long lh, ll, rh, rl;
    int lp, rp;
    switch (orientation) {
      case Orientation.SENT, Orientation.RECEIVED_FROM_LEFT, Orientation.PASSED_FROM_LEFT -> {
        lh = p.srcHigh;
        ll = p.srcLow;
        rh = p.dstHigh;
        rl = p.dstLow;
        lp = p.srcPort;
        rp = p.dstPort;
      }
      case Orientation.RECEIVED -> {
        lh = p.dstHigh;
        ll = p.dstLow;
        rh = p.srcHigh;
        rl = p.srcLow;
        lp = p.dstPort;
        rp = p.srcPort;
      }
      default -> {
        ignoredPackets++;
        return;
      }
    }
    int totalWay = orientation == Orientation.SENT ? SENT : RECEIVED;
    totalBytes[totalWay] += p.ipBytes;
    totalPackets[totalWay]++;
    int way = orientation == Orientation.SENT || orientation == Orientation.PASSED_FROM_LEFT ? SENT : RECEIVED;

    int vp = p.ipVersion << 24 | p.protocol << 16;
    int pp = lp << 16 | rp;
    int slot = hash(lh, ll, rh, rl, vp, pp) & mask;
    while (true) {
      int e = slotEntry[slot] - 1;
      if (e < 0) {
        if (size == capacity) {
          if (capacity == maxFlows) {
            otherBytes[way] += p.ipBytes;
            otherPackets[way]++;
            overflowPackets++;
            return;
          }
          grow();
          slot = hash(lh, ll, rh, rl, vp, pp) & mask;
          continue; // the slots moved: look for the free one again
        }
        e = size++;
        slotEntry[slot] = e + 1;
        localHigh[e] = lh;
        localLow[e] = ll;
        remoteHigh[e] = rh;
        remoteLow[e] = rl;
        versionProtocol[e] = vp;
        ports[e] = pp;
      } else if (localLow[e] != ll
          || remoteLow[e] != rl
          || ports[e] != pp
          || versionProtocol[e] != vp
          || localHigh[e] != lh
          || remoteHigh[e] != rh) {
        slot = (slot + 1) & mask;
        continue;
      }
      bytes[e * 2 + way] += p.ipBytes;
      packets[e * 2 + way]++;
      return;
    }
  }

  private static int hash(long lh, long ll, long rh, long rl, int vp, int pp) {
    long h = ll * 0x9E3779B97F4A7C15L;
    h = (h ^ rl) * 0xC2B2AE3D27D4EB4FL;
    h = (h ^ lh ^ (rh << 1)) * 0x9E3779B97F4A7C15L;
    h = (h ^ ((long) vp << 32 | (pp & 0xFFFF_FFFFL))) * 0xC2B2AE3D27D4EB4FL;
    return (int) (h ^ (h >>> 29) ^ (h >>> 47));
  }

  /** Conversations in this interval, indexed 0 .. size-1 in order of first packet. */
  public int size() {
    return size;
  }

  public int maxFlows() {
    return maxFlows;
  }

  /** One word of an entry's key as {@link PackedKey} packs it ({@link PackedKey#LOCAL_HIGH} ... {@link PackedKey#META}). */
  public long keyField(int entry, int field) {
    return switch (field) {
      case PackedKey.LOCAL_HIGH -> localHigh[entry];
      case PackedKey.LOCAL_LOW -> localLow[entry];
      case PackedKey.REMOTE_HIGH -> remoteHigh[entry];
      case PackedKey.REMOTE_LOW -> remoteLow[entry];
      default -> PackedKey.meta(versionProtocol[entry] >>> 24, (versionProtocol[entry] >>> 16) & 0xFF,
          ports[entry] >>> 16, ports[entry] & 0xFFFF);
    };
  }

  public FlowKey key(int entry) {
    int version = versionProtocol[entry] >>> 24;
    return new FlowKey(
        new IpAddress(version, localHigh[entry], localLow[entry]),
        new IpAddress(version, remoteHigh[entry], remoteLow[entry]),
        ports[entry] >>> 16,
        ports[entry] & 0xFFFF,
        (versionProtocol[entry] >>> 16) & 0xFF);
  }

  public long sentBytes(int entry) {
    return bytes[entry * 2 + SENT];
  }

  public long sentPackets(int entry) {
    return packets[entry * 2 + SENT];
  }

  public long receivedBytes(int entry) {
    return bytes[entry * 2 + RECEIVED];
  }

  public long receivedPackets(int entry) {
    return packets[entry * 2 + RECEIVED];
  }

  /** Every counted byte sent in this interval, whether in a conversation or in "other". */
  public long totalSentBytes() {
    return totalBytes[SENT];
  }

  public long totalSentPackets() {
    return totalPackets[SENT];
  }

  public long totalReceivedBytes() {
    return totalBytes[RECEIVED];
  }

  public long totalReceivedPackets() {
    return totalPackets[RECEIVED];
  }

  /** Sent bytes of packets that found the table full. */
  public long otherSentBytes() {
    return otherBytes[SENT];
  }

  public long otherSentPackets() {
    return otherPackets[SENT];
  }

  public long otherReceivedBytes() {
    return otherBytes[RECEIVED];
  }

  public long otherReceivedPackets() {
    return otherPackets[RECEIVED];
  }

  /** Packets that found the table full: the flow-table overflow counter. */
  public long overflowPackets() {
    return overflowPackets;
  }

  /** Decoded packets not counted: outside the net filter, or link-local. */
  public long ignoredPackets() {
    return ignoredPackets;
  }

  /** Empties the table for the next interval, touching only the slots that were used. */
  public void clear() {
    if (size > capacity / 4) {
      Arrays.fill(slotEntry, 0);
    } else {
      for (int e = 0; e < size; e++) {
        int slot = hash(localHigh[e], localLow[e], remoteHigh[e], remoteLow[e], versionProtocol[e], ports[e]) & mask;
        while (slotEntry[slot] != 0) {
          slotEntry[slot] = 0;
          slot = (slot + 1) & mask;
        }
      }
    }
    Arrays.fill(bytes, 0, size * 2, 0);
    Arrays.fill(packets, 0, size * 2, 0);
    size = 0;
    Arrays.fill(totalBytes, 0);
    Arrays.fill(totalPackets, 0);
    Arrays.fill(otherBytes, 0);
    Arrays.fill(otherPackets, 0);
    overflowPackets = 0;
    ignoredPackets = 0;
  }
}
