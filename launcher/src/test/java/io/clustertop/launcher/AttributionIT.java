package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/attribution.sh}: an agent capturing on its node's uplink attributes each
 * conversation to the process holding its local end, in whichever network namespace (pods, the
 * node itself), never to the twin namespace that holds the same 5-tuples over its own loopback;
 * what no socket carries is unattributed; a new connection is named within 2 s.
 */
class AttributionIT {
  @Test
  void everyAttributedByteGoesToItsProcess() throws Exception {
    NamespaceScript.run("test/netns/attribution.sh", Duration.ofMinutes(5));
  }
}
