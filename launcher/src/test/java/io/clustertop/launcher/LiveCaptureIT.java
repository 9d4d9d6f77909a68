package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/live-capture.sh}: {@code bin/clustertop} capturing live in a network namespace
 * counts exactly the packets and IP bytes of the kernel's interface counters, with no kernel drops,
 * by both capture paths: the kernel's ring read directly, and libpcap's loop (the fallback).
 */
class LiveCaptureIT {
  @Test
  void theRingCountsWhatTheKernelCounted() throws Exception {
    NamespaceScript.run("test/netns/live-capture.sh", Duration.ofMinutes(5), "CAPTURE_METHOD=ring");
  }

  @Test
  void libpcapsLoopCountsWhatTheKernelCounted() throws Exception {
    NamespaceScript.run("test/netns/live-capture.sh", Duration.ofMinutes(5), "CAPTURE_METHOD=libpcap");
  }
}
