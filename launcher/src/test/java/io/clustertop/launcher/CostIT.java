package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/cost.sh}: five agents in three zones and two regions (one without a zone), the internet, a private host and a named
 * network; bytes per destination class equal the traffic, cost equals bytes x price exactly, live,
 * in /metrics and in the history, and the history survives a collector restart.
 */
class CostIT {
  @Test
  void costPerClassIsTheTrafficTimesItsPriceAcrossACollectorRestart() throws Exception {
    NamespaceScript.run("test/netns/cost.sh", Duration.ofMinutes(10));
  }
}
