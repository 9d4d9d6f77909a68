package io.clustertop.agent.stream;

import io.clustertop.agent.monitor.IntervalListener;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A file replayed as if it were being captured now: each interval's timestamps are moved so that
 * the capture starts at the replay's start, and, at a speed above 0, the reading thread waits until
 * the interval's time has come at that speed (2 = twice the capture's pace; 0 = no waiting).
 *
 * <p>The wait is per interval (one second of capture), which is the grain of everything downstream.
 *
 * <p>Thread safety: none; the monitor's reading thread calls it.
 */
public final class ReplayPace implements IntervalListener {
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final IntervalListener next;
  private final double speed;
  private final LongSupplier wallClockNanos;
  private final Sleeper sleeper;
  private long shift = Long.MIN_VALUE;
  private long captureStart;
  private long wallStart;

  /** Waits, given a number of nanoseconds; injected so tests need not. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(long nanos) throws InterruptedException;
  }

  public ReplayPace(IntervalListener next, double speed) {
    this(next, speed, () -> System.currentTimeMillis() * 1_000_000L, TimeUnit.NANOSECONDS::sleep);
  }

  ReplayPace(IntervalListener next, double speed, LongSupplier wallClockNanos, Sleeper sleeper) {
    if (!(speed >= 0) || Double.isInfinite(speed)) {
      throw new IllegalArgumentException("the replay speed must be 0 or more: " + speed);
    }
    this.next = next;
    this.speed = speed;
    this.wallClockNanos = wallClockNanos;
    this.sleeper = sleeper;
  }

  @Override
  public void interval(FlowAccumulator flows, CaptureCounters counters, long endUnixNanos, ConversationTable table) {
    if (shift == Long.MIN_VALUE) {
      wallStart = wallClockNanos.getAsLong();
      captureStart = endUnixNanos - INTERVAL_NANOS;
      shift = wallStart - captureStart;
    }
    if (speed > 0) {
      long due = wallStart + (long) ((endUnixNanos - captureStart) / speed);
      long wait = due - wallClockNanos.getAsLong();
      if (wait > 0) {
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the monitor is being stopped: go on without pacing
        }
      }
    }
    next.interval(flows, counters, endUnixNanos + shift, table);
  }
}
