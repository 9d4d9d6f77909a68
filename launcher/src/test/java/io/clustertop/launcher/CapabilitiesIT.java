package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/capabilities.sh}: the agent as an unprivileged user (nobody) with exactly
 * CAP_NET_RAW and CAP_NET_ADMIN as ambient capabilities captures every packet of a ping; without
 * them it exits 2 with one line naming that way.
 */
class CapabilitiesIT {
  @Test
  void anUnprivilegedAgentWithTheAmbientCapabilitiesCaptures() throws Exception {
    NamespaceScript.run("test/netns/capabilities.sh", Duration.ofMinutes(5));
  }
}
