package io.clustertop.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.ConversationTable;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The capture thread's table: exact per conversation, bounded under a flood, totals exact. */
class FlowAccumulatorTest {
  private final DecodedPacket p = new DecodedPacket();

  private void set(long src, long dst, int srcPort, int dstPort, long bytes) {
    p.ipVersion = 4;
    p.protocol = 17;
    p.srcLow = src;
    p.dstLow = dst;
    p.srcPort = srcPort;
    p.dstPort = dstPort;
    p.ipBytes = bytes;
  }

  @Test
  void bothDirectionsOfAConversationShareOneEntry() {
    FlowAccumulator acc = new FlowAccumulator(16);
    set(1, 2, 10, 20, 100);
    acc.add(p, Orientation.SENT);
    set(2, 1, 20, 10, 40);
    acc.add(p, Orientation.RECEIVED);
    acc.add(p, Orientation.RECEIVED);
    assertEquals(1, acc.size());
    assertEquals(new FlowKey(IpAddress.v4(1), IpAddress.v4(2), 10, 20, 17), acc.key(0));
    assertEquals(100, acc.sentBytes(0));
    assertEquals(80, acc.receivedBytes(0));
    assertEquals(2, acc.receivedPackets(0));
    acc.add(p, Orientation.IGNORED);
    assertEquals(1, acc.ignoredPackets());
    assertEquals(180, acc.totalSentBytes() + acc.totalReceivedBytes());
  }

  @Test
  void trafficBetweenOtherHostsFillsBothColumnsOfItsRowAndOnlyTheReceivedTotal() {
    FlowAccumulator acc = new FlowAccumulator(16);
    set(9, 5, 10, 20, 100);
    acc.add(p, Orientation.PASSED_FROM_LEFT);
    set(5, 9, 20, 10, 30);
    acc.add(p, Orientation.RECEIVED);
    assertEquals(1, acc.size());
    assertEquals(new FlowKey(IpAddress.v4(9), IpAddress.v4(5), 10, 20, 17), acc.key(0));
    assertEquals(100, acc.sentBytes(0));
    assertEquals(30, acc.receivedBytes(0));
    assertEquals(0, acc.totalSentBytes());
    assertEquals(130, acc.totalReceivedBytes());
    assertEquals(2, acc.totalReceivedPackets());
  }

  @Test
  void aFloodOfSpoofedSourcesStaysBoundedAndTheTotalsExact() {
    FlowAccumulator acc = new FlowAccumulator(1000);
    ConversationTable table = new ConversationTable(5000);
    Random random = new Random(7);
    long bytes = 0;
    long packets = 0;
    for (int second = 0; second < 20; second++) {
      for (int i = 0; i < 3000; i++) {
        long size = 40 + random.nextInt(1400);
        set(random.nextInt(), 0x0a4d0001L, random.nextInt(65536), 53, size);
        acc.add(p, Orientation.RECEIVED);
        bytes += size;
        packets++;
      }
      assertEquals(1000, acc.size(), "the interval table never grows past its bound");
      assertEquals(2000, acc.overflowPackets());
      table.add(acc);
      acc.clear();
      table.closeSlot();
      assertTrue(table.size() <= 5000, "the conversation table stays under its limit");
    }
    Snapshot snapshot = table.snapshot(ViewOptions.defaults().withLimit(10), "flood", 0,
        new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    assertEquals(bytes, snapshot.totals().received().bytes());
    assertEquals(packets, snapshot.totals().received().packets());
    long shown = snapshot.other().received().bytes();
    for (Row row : snapshot.rows()) {
      shown += row.received().bytes();
    }
    assertEquals(bytes, shown, "rows plus other add up to the totals");
  }

  @Test
  void clearForgetsEverything() {
    FlowAccumulator acc = new FlowAccumulator(4);
    for (int i = 0; i < 10; i++) {
      set(i, 100, 1, 2, 10);
      acc.add(p, Orientation.SENT);
    }
    acc.clear();
    assertEquals(0, acc.size());
    assertEquals(0, acc.totalSentBytes());
    assertEquals(0, acc.overflowPackets());
    set(3, 100, 1, 2, 10);
    acc.add(p, Orientation.SENT);
    assertEquals(1, acc.size());
    assertEquals(10, acc.sentBytes(0));
  }

  @Test
  void aNewTableIsSmallWhateverItsLimit() {
    var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    long before = threads.getCurrentThreadAllocatedBytes();
    FlowAccumulator acc = new FlowAccumulator(65_536); // the agent's limit, MonitorOptions' default
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    // Room for 1,024 conversations is about 80 KB; made for the limit at once it was 5 MB.
    assertTrue(allocated < 128L * 1024, "a new table allocated " + allocated + " bytes");
    assertEquals(65_536, acc.maxFlows());
  }

  @Test
  void growsPastItsFirstSizeKeepingEveryCountAndThenStopsAllocating() {
    int max = 5 * FlowAccumulator.INITIAL_CAPACITY + 7; // four doublings, the last one cut at the limit
    FlowAccumulator acc = new FlowAccumulator(max);
    for (int round = 0; round < 2; round++) {
      for (int repeat = 0; repeat < 3; repeat++) { // each conversation three times, across the growths
        for (int i = 0; i < max + 100; i++) {
          set(0x0a4d0000L + i, 0x0a4d0001L, 1000 + i % 50_000, 53, 100 + i % 7);
          acc.add(p, Orientation.SENT);
        }
      }
      assertEquals(max, acc.size(), "room for exactly the limit");
      assertEquals(300, acc.overflowPackets(), "the 100 beyond the limit, three times");
      for (int e = 0; e < max; e++) {
        assertEquals(new FlowKey(IpAddress.v4(0x0a4d0000L + e), IpAddress.v4(0x0a4d0001L), 1000 + e % 50_000, 53, 17),
            acc.key(e));
        assertEquals(3 * (100 + e % 7), acc.sentBytes(e));
        assertEquals(3, acc.sentPackets(e));
      }
      acc.clear();
      if (round == 0) {
        // Grown once, it keeps its size: filling it again allocates nothing (the capture thread's rule).
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < max; i++) {
          set(0x0a4d0000L + i, 0x0a4d0001L, 1000 + i % 50_000, 53, 100);
          acc.add(p, Orientation.SENT);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 1024, "refilling a grown table allocated " + allocated + " bytes");
        acc.clear();
      }
    }
  }
}
