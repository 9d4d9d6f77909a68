package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/docker/attribution.sh}: on its own Docker engine (its own data root, exec root,
 * socket and pid file; no iptables, no forwarding, no default bridge) and an image it makes from
 * busybox-static, containers named ct-web and ct-db send traffic through a node's uplink, and the
 * agent's rows by container name them, by Docker's names read over the engine's socket. Skipped,
 * with the reason, where dockerd cannot start.
 */
class DockerAttributionIT {
  @Test
  void containersAreNamedInTheAgentsView() throws Exception {
    NamespaceScript.run("test/docker/attribution.sh", Duration.ofMinutes(5));
  }
}
