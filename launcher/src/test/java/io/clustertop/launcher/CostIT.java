package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/cost.sh}: four agents in three zones and two regions, the internet and a named
 * network; bytes per destination class equal the traffic, cost equals bytes x price exactly, live,
 * in /metrics and in the history, and the history survives a collector restart.
 */
class CostIT {
  @Test
  void costPerClassIsTheTrafficTimesItsPriceAcrossACollectorRestart() throws Exception {
    NamespaceScript.run("test/netns/cost.sh", Duration.ofMinutes(10));
  }
}
