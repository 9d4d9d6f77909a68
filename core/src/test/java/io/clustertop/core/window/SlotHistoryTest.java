package io.clustertop.core.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.view.Traffic;
import org.junit.jupiter.api.Test;

/** The parts of {@link SlotHistory} a restored state needs: bytes older than the ring, and folding them. */
class SlotHistoryTest {

  @Test
  void cumulativeOnlyBytesCountInTotalsNotInRates() {
    SlotHistory h = new SlotHistory();
    h.addCumulative(700, 7, 30, 3);
    h.add(10, 100, 1, 0, 0);

    RowSums sums = new RowSums();
    h.addTo(sums, 10);
    Traffic sent = sums.sent(1, true);

    assertEquals(800, sent.bytes());
    assertEquals(8, sent.packets());
    assertEquals(30, sums.received(1, true).bytes());
    assertEquals(50.0, sent.bytesPerSecond().last2s()); // only the slot's 100 bytes, over 2 s
    assertEquals(50.0, sent.peakBytesPerSecond());
  }

  @Test
  void foldingAHistoryWithOnlyCumulativeBytesKeepsThem() {
    SlotHistory restored = new SlotHistory();
    restored.addCumulative(500, 5, 0, 0);
    SlotHistory other = new SlotHistory();
    other.add(3, 10, 1, 0, 0);

    other.addAll(restored);

    assertEquals(510, other.cumulativeBytes());
    assertEquals(3, other.lastSlot());
  }
}
