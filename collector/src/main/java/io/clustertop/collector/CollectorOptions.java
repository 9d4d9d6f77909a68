package io.clustertop.collector;

import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.metrics.MetricsAccess;
import io.clustertop.collector.watch.WatchLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.privacy.RemoteMask;
import java.net.InetSocketAddress;

/**
 * How a collector runs.
 *
 * @param limits what it accepts from agents
 * @param maxMessageBytes the largest message it reads (gRPC's default is 4 MiB; set here explicitly)
 * @param metricsListen where to serve Prometheus' {@code /metrics}; null for nowhere
 * @param publishEverySlot make and send snapshots at each 2-second boundary, and write the history
 *     each minute; tests turn it off and call {@link CollectorServer#publishNow} and
 *     {@link CollectorServer#flushHistory} instead
 * @param cost destination classes and prices
 * @param history where to keep the cost history; null for nowhere
 * @param metricsAccess HTTP or HTTPS, who may scrape, and what else {@code /metrics} prints
 * @param watch how many watch streams it serves, and how long one may leave its snapshots untaken
 * @param mask what stands in place of public remote addresses ({@code --mask-remote})
 */
public record CollectorOptions(
    IngestLimits limits, int maxMessageBytes, InetSocketAddress metricsListen, boolean publishEverySlot,
    CostConfig cost, HistoryOptions history, MetricsAccess metricsAccess, WatchLimits watch, RemoteMask mask) {
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  public CollectorOptions {
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("a message limit below 1 KiB fits no batch: " + maxMessageBytes);
    }
  }

  public CollectorOptions(IngestLimits limits, int maxMessageBytes, InetSocketAddress metricsListen,
      boolean publishEverySlot, CostConfig cost, HistoryOptions history) {
    this(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, MetricsAccess.plain(),
        WatchLimits.defaults(), RemoteMask.OFF);
  }

  public static CollectorOptions defaults() {
    return new CollectorOptions(IngestLimits.defaults(), DEFAULT_MAX_MESSAGE_BYTES, null, true, CostConfig.defaults(), null);
  }

  public CollectorOptions withHistory(HistoryOptions history) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess, watch, mask);
  }

  public CollectorOptions withMetricsAccess(MetricsAccess metricsAccess) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess, watch, mask);
  }

  public CollectorOptions withWatch(WatchLimits watch) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess, watch, mask);
  }

  public CollectorOptions withMask(RemoteMask mask) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess, watch,
        mask);
  }

  public CollectorOptions withCost(CostConfig cost) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess, watch, mask);
  }
}
