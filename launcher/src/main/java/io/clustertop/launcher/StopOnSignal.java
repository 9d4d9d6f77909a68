package io.clustertop.launcher;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or SIGTERM) while a command runs: ask it to stop, then give it time to finish what it
 * was doing — print the final figures, flush the last batches — before the JVM exits, so nothing
 * already counted is lost on the way out.
 *
 * <p>The hook waits for the command to return ({@link #exit}), not for the main thread to end: the
 * main thread then calls {@code System.exit}, which blocks while shutdown hooks run, so it never
 * ends, and every stop lasted the whole grace (5 s for the local mode, 6 s for an agent).
 */
final class StopOnSignal implements AutoCloseable {
  /** Counted down once the command has returned and the process exits. */
  private static final CountDownLatch RETURNED = new CountDownLatch(1);

  private final Thread hook;

  /**
   * @param stop asks the command to stop; the main thread then finishes on its own
   * @param grace how long the exit waits for the command to return
   */
  StopOnSignal(Runnable stop, Duration grace) {
    hook = new Thread(() -> {
      stop.run();
      try {
        RETURNED.await(grace.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Ends the process with the command's status; a hook waiting for the command stops waiting. */
  static void exit(int status) {
    RETURNED.countDown();
    System.exit(status);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running and waits for the command to return
    }
  }
}
