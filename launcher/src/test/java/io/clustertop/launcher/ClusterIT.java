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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code test/netns/cluster.sh}: three agents capturing live in network namespaces, a
 * collector and consoles. The cluster view must count each byte once, exactly as the traffic
 * generator sent it; every node's own view (through the collector and from its agent) must equal
 * its kernel interface counters; the nodes grouping must hold each node's own totals; no capture
 * drops; and a collector killed and started again must rebuild the cluster's figures exactly from
 * the agents. The script holds the test; this class only lets failsafe run it.
 *
 * <p>Skipped (not failed) where it cannot run: not root, no {@code ip}, or the script's own skip
 * status 77 (a tool or the launcher missing).
 */
class ClusterIT {
  private static final int SKIPPED = 77;
  private static final String SCRIPT = "test/netns/cluster.sh";

  @Test
  void clusterCountsEachByteOnceAcrossACollectorRestart() throws IOException, InterruptedException {
    assumeTrue(isRoot(), "needs root for network namespaces");
    assumeTrue(onPath("ip"), "needs iproute2's ip");
    Path root = projectRoot();

    Path log = Files.createTempFile("cluster", ".log");
    Process script =
        new ProcessBuilder("bash", SCRIPT)
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    script.getOutputStream().close();
    // The script bounds its own waits (one to two minutes in all); this guards against a hung child.
    boolean ended = script.waitFor(10, TimeUnit.MINUTES);
    if (!ended) {
      script.destroy(); // bash's EXIT trap deletes the namespaces
      script.waitFor(30, TimeUnit.SECONDS);
    }
    String report = Files.readString(log, StandardCharsets.UTF_8);
    Files.delete(log);
    System.out.print(report);
    assertTrue(ended, () -> SCRIPT + " did not end within 10 minutes:\n" + report);

    if (script.exitValue() == SKIPPED) {
      abort(report.strip());
    }
    assertEquals(0, script.exitValue(), () -> SCRIPT + " failed:\n" + report);
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
  private static Path projectRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve(SCRIPT))) {
        return dir;
      }
    }
    return abort(SCRIPT + " not found above " + Path.of("").toAbsolutePath());
  }
}
