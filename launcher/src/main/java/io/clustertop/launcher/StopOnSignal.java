package io.clustertop.launcher;

import java.time.Duration;

/**
 * Ctrl-C (or SIGTERM) while a command runs: ask it to stop, then give it time to finish what it
 * was doing — print the final figures, flush the last batches — before the JVM exits, so nothing
 * already counted is lost on the way out.
 */
final class StopOnSignal implements AutoCloseable {
  private final Thread hook;

  /**
   * @param stop asks the command to stop; the main thread then finishes on its own
   * @param grace how long the exit waits for the main thread
   */
  StopOnSignal(Runnable stop, Duration grace) {
    Thread main = Thread.currentThread();
    hook = new Thread(() -> {
      stop.run();
      try {
        main.join(grace.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
  }

  @Override
  public void close() {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running and waits for the main thread
    }
  }
}
