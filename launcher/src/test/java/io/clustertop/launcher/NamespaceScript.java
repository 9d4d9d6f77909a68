package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Runs one of {@code test/netns}'s scripts for failsafe: the script holds the test (its checks, its
 * namespaces, its cleanup); this only runs it, shows its report, and turns its exit status into a
 * pass, a failure, or a skip (not root, no {@code ip}, or the script's own skip status 77).
 */
final class NamespaceScript {
  private static final int SKIPPED = 77;

  private NamespaceScript() {}

  /**
   * @param script the script's path from the repository's top
   * @param guard how long it may take before it counts as hung (the script bounds its own waits)
   * @param environment NAME=VALUE settings for the script (its knobs)
   */
  static void run(String script, Duration guard, String... environment) throws IOException, InterruptedException {
    assumeTrue(isRoot(), "needs root for network namespaces");
    assumeTrue(onPath("ip"), "needs iproute2's ip");
    runScript(script, guard, environment);
  }

  /** Runs a script that needs no privileges the same way (the screen test in tmux). */
  static void runScript(String script, Duration guard, String... environment) throws IOException, InterruptedException {
    Path log = Files.createTempFile("netns", ".log");
    ProcessBuilder builder = new ProcessBuilder("bash", script);
    for (String setting : environment) {
      int equals = setting.indexOf('=');
      builder.environment().put(setting.substring(0, equals), setting.substring(equals + 1));
    }
    Process process = builder
        .directory(projectRoot(script).toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    process.getOutputStream().close();
    boolean ended = process.waitFor(guard.toMillis(), TimeUnit.MILLISECONDS);
    if (!ended) {
      process.destroy(); // bash's EXIT trap deletes the namespaces
      process.waitFor(30, TimeUnit.SECONDS);
    }
    String report = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    System.out.print(report);
    assertTrue(ended, () -> script + " did not end within " + guard + ":\n" + report);
    if (process.exitValue() == SKIPPED) {
      abort(report.strip());
    }
    assertEquals(0, process.exitValue(), () -> script + " failed:\n" + report);
  }

  private static boolean isRoot() throws IOException {
    // "Uid:" then the real, effective, saved and file-system ids; the effective one decides.
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("Uid:")) {
        return line.split("\\s+")[2].equals("0");
      }
    }
    return false;
  }

  private static boolean onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String directory : path.split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(directory, command))) {
        return true;
      }
    }
    return false;
  }

  /** The directory holding the script: failsafe runs in the module's directory, below it. */
  private static Path projectRoot(String script) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(script))) {
        return dir;
      }
    }
    return abort(script + " not found above " + Path.of("").toAbsolutePath());
  }
}
