package io.clustertop.agent.monitor;

import java.util.concurrent.locks.LockSupport;

/**
 * The clocks a live {@link Monitor} runs on: a monotonic one that paces its ticks, and the wall
 * clock that dates its intervals and snapshots. Injected, so that a test can make them jump as a
 * suspended machine, a stopped process or an NTP step does.
 */
public interface MonitorClock {
  /** The system's: {@link System#nanoTime()}, {@link System#currentTimeMillis()}, {@link LockSupport#parkNanos}. */
  MonitorClock SYSTEM = new MonitorClock() {
    @Override
    public long monotonicNanos() {
      return System.nanoTime();
    }

    @Override
    public long wallNanos() {
      return System.currentTimeMillis() * 1_000_000L;
    }

    @Override
    public void sleep(long nanos) {
      LockSupport.parkNanos(this, nanos);
    }
  };

  /** Paces the ticks: only differences matter. */
  long monotonicNanos();

  /** Nanoseconds since the Unix epoch. */
  long wallNanos();

  /** Waits about this long (less if woken), on the monotonic clock. */
  void sleep(long nanos);
}
