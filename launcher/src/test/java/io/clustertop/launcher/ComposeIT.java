package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/docker/compose.sh}: the repository's docker-compose.yml up, both profiles: the console
 * seeing the three nodes through the collector, and the three Kafka nodes through the relay over two
 * shards (and again with one shard stopped), and every container ending on SIGTERM when stopped. On
 * the engine that answers, else (as root) on one of its own, with the images built locally (no
 * registry): about 4 minutes here. Skipped (by the script) where no engine can run, or the base
 * image cannot be built (no Debian mirror).
 */
class ComposeIT {
  @Test
  void composeClusterRunsAndStopsOnSigterm() throws Exception {
    NamespaceScript.run("test/docker/compose.sh", Duration.ofMinutes(10));
  }
}
