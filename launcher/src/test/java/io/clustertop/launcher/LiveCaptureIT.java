package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/live-capture.sh}: {@code bin/clustertop} capturing live in a network namespace
 * counts exactly the packets and IP bytes of the kernel's interface counters, with no kernel drops.
 */
class LiveCaptureIT {
  @Test
  void clustertopCountsWhatTheKernelCounted() throws Exception {
    NamespaceScript.run("test/netns/live-capture.sh", Duration.ofMinutes(5));
  }
}
