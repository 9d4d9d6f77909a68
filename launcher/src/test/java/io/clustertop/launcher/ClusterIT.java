package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/cluster.sh}: three agents in namespaces and a collector count each byte once,
 * every node's view equals its kernel counters, and a collector restart between two rounds of
 * traffic leaves the figures exact.
 */
class ClusterIT {
  @Test
  void clusterCountsEachByteOnceAcrossACollectorRestart() throws Exception {
    NamespaceScript.run("test/netns/cluster.sh", Duration.ofMinutes(10));
  }
}
