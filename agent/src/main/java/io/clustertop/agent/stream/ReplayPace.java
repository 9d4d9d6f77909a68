package io.clustertop.agent.stream;

import io.clustertop.agent.monitor.IntervalListener;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A file replayed as if it were being captured now: the capture's first second starts when the
 * replay does, and, at a speed above 0, the reading thread waits until each interval's time has
 * come at that speed (2 = twice the capture's pace). Timestamps follow the replay's pace too: at
 * speed 2 a second of capture is an interval of half a second, so batches always say when their
 * traffic was replayed, and a long or looping replay ({@code LoopedCapture}) stays on the wall
 * clock; keeping the capture's durations would carry them a second ahead every two, until the
 * collector refused them as too far from its clock. At speed 0 (no waiting) they keep the
 * capture's durations: there is no pace to follow.
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
  private boolean started;
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
    if (!started) {
      started = true;
      wallStart = wallClockNanos.getAsLong();
      captureStart = endUnixNanos - INTERVAL_NANOS;
    }
    long captured = endUnixNanos - captureStart;
    long due = wallStart + (speed > 0 ? (long) (captured / speed) : captured);
    if (speed > 0) {
      long wait = due - wallClockNanos.getAsLong();
      if (wait > 0) {
        try {
          sleeper.sleep(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt(); // the monitor is being stopped: go on without pacing
        }
      }
    }
    next.interval(flows, counters, due, table);
  }
}
