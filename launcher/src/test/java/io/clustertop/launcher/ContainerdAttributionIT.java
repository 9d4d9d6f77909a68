package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/containerd/attribution.sh}: on its own containerd (its own root, state, runc root,
 * socket and config; the CRI plugin off) and root file systems made from busybox-static, a
 * container with a Kubernetes pod's labels and one without send traffic through a node's uplink;
 * the agent's rows by container name the first {@code shop/web-1/web} (containerd's API over its
 * socket) and the second by its id, each with exactly its link's bytes and packets. Skipped, with
 * the reason, where containerd, ctr, runc or busybox-static is missing or containerd cannot start.
 */
class ContainerdAttributionIT {
  @Test
  void containersAreNamedFromContainerd() throws Exception {
    NamespaceScript.run("test/containerd/attribution.sh", Duration.ofMinutes(5));
  }
}
