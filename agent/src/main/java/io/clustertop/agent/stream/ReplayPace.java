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
 * An interval longer than a second is a silence the monitor crossed at once (past 40 s nothing in
 * any window changes): it is replayed as one second, so a capture whose packets are hours or years
 * apart replays its traffic, not its silence. A wall clock that jumps (an NTP step, a suspended
 * machine) moves the replay with it: a wait longer than an interval can need, or a lateness past
 * the 40-second window, makes the replay carry on from now rather than sleep for the jump or send
 * batches from the past.
 *
 * <p>Thread safety: none; the monitor's reading thread calls it.
 */
public final class ReplayPace implements IntervalListener {
  private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Later than this behind its pace, the replay has lost it (the wall clock jumped ahead): it goes on from now. */
  private static final long MAX_LATENESS_NANOS = TimeUnit.SECONDS.toNanos(40);

  private final IntervalListener next;
  private final double speed;
  private final LongSupplier wallClockNanos;
  private final Sleeper sleeper;
  private boolean started;
  private long captureStart;
  private long wallStart;
  private long previousEnd;

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
    } else if (endUnixNanos - previousEnd > INTERVAL_NANOS) {
      captureStart += endUnixNanos - previousEnd - INTERVAL_NANOS; // a silence crossed at once: one second
    }
    previousEnd = endUnixNanos;
    long captured = endUnixNanos - captureStart;
    long due = wallStart + (speed > 0 ? (long) (captured / speed) : captured);
    if (speed > 0) {
      long now = wallClockNanos.getAsLong();
      long wait = due - now;
      if (wait > (long) (INTERVAL_NANOS / speed) + INTERVAL_NANOS || wait < -MAX_LATENESS_NANOS) {
        wallStart -= wait; // the wall clock jumped: the replay goes on from now
        due = now;
        wait = 0;
      }
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
