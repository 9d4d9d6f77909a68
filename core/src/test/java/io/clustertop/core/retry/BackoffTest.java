package io.clustertop.core.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void theCeilingDoublesUpToTheCapAndTheJitterScalesIt() {
    Backoff half = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30), () -> 0.5);
    List<Long> ms = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ms.add(half.nextDelayNanos() / 1_000_000);
    }
    assertEquals(List.of(125L, 250L, 500L, 1_000L, 2_000L, 4_000L, 8_000L, 15_000L, 15_000L, 15_000L), ms);
    half.reset();
    assertEquals(125_000_000L, half.nextDelayNanos());
  }

  @Test
  void delaysStayUnderTheCapForever() {
    Backoff highest = new Backoff(Backoff.DEFAULT_INITIAL, Backoff.DEFAULT_CAP, () -> Math.nextDown(1.0));
    long previous = 0;
    for (int i = 0; i < 200; i++) { // past 2^63: the shift must not overflow
      long d = highest.nextDelayNanos();
      assertTrue(d >= previous && d < Duration.ofSeconds(30).toNanos(), "delay " + i + ": " + d);
      previous = d;
    }
    assertEquals(Duration.ofSeconds(30).toNanos() - 1, previous, 1, "the cap, less the jitter's open end");
  }

  @Test
  void fullJitterCanWaitNothing() {
    Backoff none = new Backoff(Backoff.DEFAULT_INITIAL, Backoff.DEFAULT_CAP, () -> 0.0);
    assertEquals(0, none.nextDelayNanos());
  }
}
