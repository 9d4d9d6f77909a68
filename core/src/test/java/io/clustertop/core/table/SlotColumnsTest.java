package io.clustertop.core.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Slot rings in columns: windows, peaks noted as slots leave the ring, figures past an int, removal. */
class SlotColumnsTest {
  private static final long S = 1_000_000; // a slot number like the collector's

  @Test
  void windowsSumTheLastOneFiveAndTwentyCompletedSlots() {
    SlotColumns c = new SlotColumns(4, 2, true);
    int e = c.addEntry();
    for (int k = 0; k < 25; k++) {
      c.add(e, S + k, 0, 10 * (k + 1)); // 10, 20, ... 250 sent bytes
    }
    long[] w = new long[12];
    c.addWindows(e, S + 23, w, 0); // slot S + 24 is not complete
    assertEquals(240, w[0]); // 2 s: slot 23
    assertEquals(240 + 230 + 220 + 210 + 200, w[4]); // 10 s
    long forty = 0;
    for (int k = 4; k <= 23; k++) {
      forty += 10 * (k + 1);
    }
    assertEquals(forty, w[8]);
    long all = 0;
    for (int k = 0; k < 25; k++) {
      all += 10 * (k + 1);
    }
    assertEquals(all, c.cumulative(e, 0));
    assertEquals(S + 24, c.lastSlot(e));
    // Slots S .. S + 2 left the ring (22 held) and were noted; the highest completed one is S + 23.
    assertEquals(30, c.notedPeak(e, 0));
    assertEquals(240, c.peak(e, 0, S + 23));
    assertEquals(250, c.peak(e, 0, S + 24));
  }

  @Test
  void aSlotPastAnIntEscapesToALongAndComesBack() {
    SlotColumns c = new SlotColumns(4, 3, false);
    int e = c.addEntry();
    c.add(e, S, 0, Integer.MAX_VALUE);
    c.add(e, S, 0, 10);
    assertEquals(1, c.wideCells());
    assertEquals(Integer.MAX_VALUE + 10L, c.cell(e, S, 0));
    c.add(e, S, 0, -20); // a view taking a conversation back out
    assertEquals(Integer.MAX_VALUE - 10L, c.cell(e, S, 0));
    c.moveTo(S + SlotColumns.RING); // the slot leaves the ring: noted, freed
    assertEquals(0, c.wideCells());
    assertEquals(Integer.MAX_VALUE - 10L, c.notedPeak(e, 0));
    assertEquals(Integer.MAX_VALUE - 10L, c.notedPeak(e, 2));
  }

  @Test
  void removingAnEntryMovesTheLastIntoItsPlace() {
    SlotColumns c = new SlotColumns(4, 2, true);
    for (int i = 0; i < 3; i++) {
      int e = c.addEntry();
      c.add(e, S, 2, 100 * (i + 1));
      c.add(e, S + 1, 0, 1L << 33); // escaped in every entry
    }
    c.removeEntry(0);
    assertEquals(2, c.size());
    assertEquals(300, c.cell(0, S, 2));
    assertEquals(1L << 33, c.cell(0, S + 1, 0));
    assertEquals(200, c.cumulative(1, 2));
    assertEquals(2, c.wideCells());
  }

  @Test
  void addFromMapsFieldsAndTakesBackWhatItAdded() {
    SlotColumns source = new SlotColumns(4, 2, true);
    int e = source.addEntry();
    source.add(e, S, 0, 1000);
    source.add(e, S, 1, 10);
    source.add(e, S + 1, 2, 300);
    SlotColumns view = new SlotColumns(4, 3, false);
    int row = view.addEntry();
    view.add(row, S + 2, 0, 5); // the view is a slot ahead of this source
    int[] sentAsReceived = {-1, -1, 0, 1};
    view.addFrom(source, e, row, sentAsReceived, 1);
    assertEquals(1000, view.cell(row, S, 2));
    assertEquals(10, view.cumulative(row, 3));
    assertEquals(0, view.cumulative(row, 1));
    assertEquals(5, view.cumulative(row, 0));
    view.addFrom(source, e, row, sentAsReceived, -1);
    assertEquals(0, view.cell(row, S, 2));
    assertEquals(0, view.cumulative(row, 2));
    assertEquals(5, view.cell(row, S + 2, 0));
  }

  @Test
  void aWriteOlderThanTheRingCountsSinceTheStartOnly() {
    SlotColumns c = new SlotColumns(1, 0, false);
    int e = c.addEntry();
    c.add(e, S + 30, 0, 7);
    c.add(e, S + 2, 0, 5); // a late write for a slot long gone
    c.add(e, SlotColumns.NONE, 0, 3); // older than any slot (a full state)
    assertEquals(15, c.cumulative(e, 0));
    assertEquals(0, c.cell(e, S + 2, 0));
    assertEquals(7, c.cell(e, S + 30, 0));
  }

  @Test
  void slotsOlderThanTheTargetRingCountAsItsPeaks() {
    SlotColumns source = new SlotColumns(4, 2, true);
    int e = source.addEntry();
    source.add(e, S, 0, 4831);
    SlotColumns view = new SlotColumns(4, 2, false);
    int other = view.addEntry();
    view.add(other, S + 30, 0, 1); // another agent's batch moved the view on
    int row = view.addEntry();
    view.addFrom(source, e, row, new int[] {0, 1, 2, 3}, 1);
    assertEquals(4831, view.cumulative(row, 0));
    assertEquals(4831, view.peak(row, 0, S + 30));
  }

  @Test
  void readingAllEntriesAtOnceGivesEachEntrysWindowsAndPeaks() {
    java.util.Random random = new java.util.Random(7);
    SlotColumns c = new SlotColumns(4, 2, false);
    int entries = 5000; // more than a block of readAll
    for (int e = 0; e < entries; e++) {
      c.addEntry();
    }
    for (int k = 0; k < 30; k++) {
      for (int n = 0; n < 8000; n++) {
        int e = random.nextInt(entries);
        int f = random.nextInt(4);
        // now and then past an int, and a few late writes into slots the ring no longer holds
        long value = random.nextInt(50) == 0 ? (1L << 31) + random.nextInt(1000) : random.nextInt(100_000);
        c.add(e, S + k - (random.nextInt(40) == 0 ? 25 : 0), f, value);
      }
    }
    for (long latestCompleted : new long[] {S + 29, S + 27, S + 10}) {
      long[] windows = new long[entries * 12];
      long[] peaks = new long[entries * 2];
      c.readAll(latestCompleted, windows, peaks);
      for (int e = 0; e < entries; e++) {
        long[] one = new long[12];
        c.addWindows(e, latestCompleted, one, 0);
        assertEquals(java.util.Arrays.toString(one),
            java.util.Arrays.toString(java.util.Arrays.copyOfRange(windows, e * 12, e * 12 + 12)), "entry " + e);
        assertEquals(c.peak(e, 0, latestCompleted), peaks[e * 2], "sent peak of " + e);
        assertEquals(c.peak(e, 1, latestCompleted), peaks[e * 2 + 1], "received peak of " + e);
      }
    }
  }
}
