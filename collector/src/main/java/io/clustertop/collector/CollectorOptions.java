package io.clustertop.collector;

import io.clustertop.collector.merge.IngestLimits;
import java.net.InetSocketAddress;

/**
 * How a collector runs.
 *
 * @param limits what it accepts from agents
 * @param maxMessageBytes the largest message it reads (gRPC's default is 4 MiB; set here explicitly)
 * @param metricsListen where to serve Prometheus' {@code /metrics}; null for nowhere
 * @param publishEverySlot make and send snapshots at each 2-second boundary; tests turn it off and
 *     call {@link CollectorServer#publishNow} instead
 */
public record CollectorOptions(
    IngestLimits limits, int maxMessageBytes, InetSocketAddress metricsListen, boolean publishEverySlot) {
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  public CollectorOptions {
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("a message limit below 1 KiB fits no batch: " + maxMessageBytes);
    }
  }

  public static CollectorOptions defaults() {
    return new CollectorOptions(IngestLimits.defaults(), DEFAULT_MAX_MESSAGE_BYTES, null, true);
  }
}
