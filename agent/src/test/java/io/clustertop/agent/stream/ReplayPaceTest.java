package io.clustertop.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.agent.monitor.IntervalListener;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayPaceTest {
  private static final long SECOND = 1_000_000_000L;
  /** The capture began at this (packet) time; the replay at {@link #NOW}. */
  private static final long CAPTURED = 1_600_000_000L * SECOND;
  private static final long NOW = 1_800_000_000L * SECOND;
  private static final CaptureCounters COUNTERS = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  private final List<Long> ends = new ArrayList<>();
  private final List<Long> sleeps = new ArrayList<>();
  private final IntervalListener recorder = (flows, counters, end, table) -> ends.add(end);

  /** Three seconds of capture; the wall clock moves only by the sleeps. */
  private void replay(double speed) {
    long[] clock = {NOW};
    ReplayPace pace = new ReplayPace(recorder, speed, () -> clock[0], nanos -> {
      sleeps.add(nanos);
      clock[0] += nanos;
    });
    for (int s = 1; s <= 3; s++) {
      pace.interval(new FlowAccumulator(1), COUNTERS, CAPTURED + s * SECOND, new ConversationTable(1));
    }
  }

  @Test
  void timestampsMoveToNowAndTwiceTheSpeedTakesHalfTheTime() {
    replay(2);
    // Half-second intervals, each ending when it was replayed: the batches stay on the wall clock.
    assertEquals(List.of(NOW + SECOND / 2, NOW + SECOND, NOW + 3 * SECOND / 2), ends);
    assertEquals(List.of(SECOND / 2, SECOND / 2, SECOND / 2), sleeps);
  }

  @Test
  void halfTheSpeedStretchesTheIntervals() {
    replay(0.5);
    assertEquals(List.of(NOW + 2 * SECOND, NOW + 4 * SECOND, NOW + 6 * SECOND), ends);
    assertEquals(List.of(2 * SECOND, 2 * SECOND, 2 * SECOND), sleeps);
  }

  @Test
  void speedZeroNeverWaits() {
    replay(0);
    assertEquals(List.of(NOW + SECOND, NOW + 2 * SECOND, NOW + 3 * SECOND), ends);
    assertEquals(List.of(), sleeps);
  }
}
