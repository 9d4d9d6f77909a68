package io.clustertop.core.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A test's wait for a condition that other threads (a broker, a consumer, a server) make true. */
public final class Await {
  private Await() {}

  /** Returns once {@code condition} holds, checked every 200 ms; fails naming {@code what} after {@code limit}. */
  public static void until(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + limit.toSeconds() + " s: " + what);
      }
      Thread.sleep(200);
    }
  }
}
