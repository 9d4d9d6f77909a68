package io.clustertop.console.screen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BarScaleTest {
  @Test
  void growsAtOnceToTheFirstStepTheBarsFitUnder() {
    BarScale scale = BarScale.following();
    assertEquals(64e3, scale.max());
    scale.follow(200e3);
    assertEquals(256e3, scale.max());
    scale.follow(5e9);
    assertEquals(1e10, scale.max());
  }

  @Test
  void shrinksOneStepAfterTheBarsFitTheLowerStepForFiveSnapshots() {
    BarScale scale = BarScale.following();
    scale.follow(5e6); // 10 Mbit/s
    for (int i = 1; i < BarScale.SHRINK_AFTER; i++) {
      scale.follow(1000);
      assertEquals(1e7, scale.max());
    }
    scale.follow(1000);
    assertEquals(1e6, scale.max());
    scale.follow(5e5); // fits 1 Mbit/s: the count starts again
    for (int i = 1; i < BarScale.SHRINK_AFTER; i++) {
      scale.follow(1000);
    }
    assertEquals(1e6, scale.max());
  }

  @Test
  void pinnedByMinusM() {
    BarScale scale = BarScale.pinned(100e6);
    scale.follow(5e9);
    assertEquals(100e6, scale.max());
    assertEquals(40, scale.length(50e6, 80, false));
    assertEquals(0, scale.length(0, 80, false));
    assertEquals(80 * 3 / 8, scale.length(1000, 80, true)); // log(1e3) / log(1e8)
    assertArrayEquals(new double[] {20e6, 40e6, 60e6, 80e6, 100e6}, scale.ticks(false));
    assertArrayEquals(new double[] {10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8}, scale.ticks(true));
    assertArrayEquals(new double[] {10, 1000, 1e5, 1e7, 1e9}, BarScale.pinned(1e9).ticks(true));
  }
}
