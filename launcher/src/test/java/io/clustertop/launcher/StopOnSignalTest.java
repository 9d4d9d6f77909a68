package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM to a command guarded by {@link StopOnSignal}, in a JVM of its own: the command is asked
 * to stop, finishes what it was doing, and the process exits as soon as the command has returned,
 * not when the grace runs out (an hour here, so that waiting for it cannot pass for finishing).
 */
class StopOnSignalTest {
  /** A command that runs until it is asked to stop, then finishes its work and exits as Main does. */
  public static final class Command {
    public static void main(String[] args) throws InterruptedException {
      CountDownLatch stopped = new CountDownLatch(1);
      try (StopOnSignal signal = new StopOnSignal(stopped::countDown, Duration.ofHours(1))) {
        System.out.println("running");
        stopped.await();
        System.out.println("finished");
      }
      StopOnSignal.exit(0);
    }
  }

  @Test
  void aStoppedCommandFinishesAndTheProcessExitsWithoutWaitingOutTheGrace() throws Exception {
    Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Command.class.getName())
        .redirectErrorStream(true).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      List<String> lines = new ArrayList<>();
      lines.add(out.readLine());
      assertEquals("running", lines.getFirst());
      child.toHandle().destroy(); // SIGTERM; the Process keeps its streams open to read the rest
      // Before the fix the process stayed for the whole grace (an hour): the main thread, blocked
      // in System.exit, never ended, and the hook waited for it to end.
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the process exits once the command has returned");
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        lines.add(line);
      }
      assertEquals(List.of("running", "finished"), lines);
      assertEquals(143, child.exitValue(), "the exit status of SIGTERM");
    } finally {
      child.destroyForcibly();
    }
  }
}
