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

  /** A pace on the wall clock {@code clock[0]}, which moves only by the sleeps (recorded) and the test. */
  private ReplayPace pace(double speed, long[] clock) {
    return new ReplayPace(recorder, speed, () -> clock[0], nanos -> {
      sleeps.add(nanos);
      clock[0] += nanos;
    });
  }

  /** Three seconds of capture; the wall clock moves only by the sleeps. */
  private void replay(double speed) {
    long[] clock = {NOW};
    ReplayPace pace = pace(speed, clock);
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

  private static final long YEAR = 365L * 24 * 3600 * SECOND;

  @Test
  void aSilenceTheMonitorCrossedAtOnceReplaysAsOneSecond() {
    long[] clock = {NOW};
    ReplayPace pace = pace(1, clock);
    for (long captured : new long[] {CAPTURED + SECOND, CAPTURED + 2 * SECOND, CAPTURED + YEAR, CAPTURED + YEAR + SECOND}) {
      pace.interval(new FlowAccumulator(1), COUNTERS, captured, new ConversationTable(1));
    }
    assertEquals(List.of(NOW + SECOND, NOW + 2 * SECOND, NOW + 3 * SECOND, NOW + 4 * SECOND), ends);
    assertEquals(List.of(SECOND, SECOND, SECOND, SECOND), sleeps);
  }

  @Test
  void aWallClockThatJumpsAYearEitherWayMovesTheReplayWithIt() {
    long[] clock = {NOW};
    ReplayPace pace = pace(1, clock);
    pace.interval(new FlowAccumulator(1), COUNTERS, CAPTURED + SECOND, new ConversationTable(1));
    clock[0] -= YEAR; // an NTP step back: no sleeping for a year
    pace.interval(new FlowAccumulator(1), COUNTERS, CAPTURED + 2 * SECOND, new ConversationTable(1));
    pace.interval(new FlowAccumulator(1), COUNTERS, CAPTURED + 3 * SECOND, new ConversationTable(1));
    clock[0] += 2 * YEAR; // and a year ahead: no batches dated a year back
    pace.interval(new FlowAccumulator(1), COUNTERS, CAPTURED + 4 * SECOND, new ConversationTable(1));
    pace.interval(new FlowAccumulator(1), COUNTERS, CAPTURED + 5 * SECOND, new ConversationTable(1));
    long back = NOW + SECOND - YEAR;
    assertEquals(List.of(NOW + SECOND, back, back + SECOND, back + SECOND + 2 * YEAR, back + 2 * SECOND + 2 * YEAR),
        ends);
    assertEquals(List.of(SECOND, SECOND, SECOND), sleeps);
  }
}
