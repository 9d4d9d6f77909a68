package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/docker/compose.sh}: the repository's docker-compose.yml up, its console seeing the
 * three nodes, and every container ending on SIGTERM when stopped. Skipped (by the script) where no
 * Docker engine runs or the local base image was not built, as in CI.
 */
class ComposeIT {
  @Test
  void composeClusterRunsAndStopsOnSigterm() throws Exception {
    NamespaceScript.run("test/docker/compose.sh", Duration.ofMinutes(8));
  }
}
