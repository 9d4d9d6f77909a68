package io.clustertop.core.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.view.Traffic;
import org.junit.jupiter.api.Test;

/** One conversation's history on the agent: the windows over completed slots, peaks, and folding. */
class SlotHistoryTest {

  @Test
  void windowsAndPeaksAsIftop() {
    SlotHistory h = new SlotHistory();
    h.add(10, 100, 1, 40, 1);
    h.add(11, 300, 3, 0, 0);
    h.add(12, 50, 1, 0, 0); // the slot in progress: in the figures since the start, not in the rates

    RowSums sums = new RowSums();
    h.addTo(sums, 11);
    Traffic sent = sums.sent(2, true);

    assertEquals(450, sent.bytes());
    assertEquals(5, sent.packets());
    assertEquals(150.0, sent.bytesPerSecond().last2s());
    assertEquals(100.0, sent.bytesPerSecond().last10s()); // 400 bytes over the 2 slots there were
    assertEquals(150.0, sent.peakBytesPerSecond());
    assertEquals(40, sums.received(2, true).bytes());
  }

  @Test
  void foldingAddsSlotBySlot() {
    SlotHistory other = new SlotHistory();
    other.add(3, 10, 1, 0, 0);
    SlotHistory conversation = new SlotHistory();
    conversation.add(3, 500, 5, 0, 0);
    conversation.add(4, 7, 1, 0, 0);

    other.addAll(conversation);

    assertEquals(517, other.cumulativeBytes());
    assertEquals(4, other.lastSlot());
    RowSums sums = new RowSums();
    other.addTo(sums, 3);
    assertEquals(255.0, sums.sent(4, false).bytesPerSecond().last2s());
  }
}
