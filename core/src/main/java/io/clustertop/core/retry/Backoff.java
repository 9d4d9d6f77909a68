package io.clustertop.core.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with full jitter: the n-th retry in a row waits a uniformly random time
 * between 0 and {@code min(cap, initial * 2^n)}. The jitter spreads the reconnections of many
 * agents after a collector restart instead of having them all arrive in the same instant.
 *
 * <p>Used by every reconnecting client: the agent's stream to the collector, a console's watch.
 *
 * <p>Thread safety: none; each connection keeps its own, used from one thread at a time.
 */
public final class Backoff {
  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(250);
  public static final Duration DEFAULT_CAP = Duration.ofSeconds(30);

  private final long initialNanos;
  private final long capNanos;
  private final DoubleSupplier random;
  private int failures;

  /** @param random uniform in [0, 1); injected so tests know the delays exactly */
  public Backoff(Duration initial, Duration cap, DoubleSupplier random) {
    if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= cap: " + initial + ", " + cap);
    }
    this.initialNanos = initial.toNanos();
    this.capNanos = cap.toNanos();
    this.random = random;
  }

  public static Backoff defaults() {
    return between(DEFAULT_INITIAL, DEFAULT_CAP);
  }

  /** Doubling from {@code initial} up to {@code cap}, with a thread-local random jitter. */
  public static Backoff between(Duration initial, Duration cap) {
    return new Backoff(initial, cap, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The wait before the next attempt, in nanoseconds; each call counts one more failure. */
  public long nextDelayNanos() {
    long ceiling = failures >= 62 || initialNanos > capNanos >> failures
        ? capNanos
        : Math.min(capNanos, initialNanos << failures);
    failures++;
    return (long) (random.getAsDouble() * ceiling);
  }

  /** A stream got through: the next failure starts again from the initial delay. */
  public void reset() {
    failures = 0;
  }
}
