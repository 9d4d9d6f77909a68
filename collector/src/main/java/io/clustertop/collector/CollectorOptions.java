package io.clustertop.collector;

import io.clustertop.collector.placement.Placer;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.metrics.MetricsAccess;
import io.clustertop.collector.watch.WatchLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.Network;
import io.clustertop.core.privacy.RemoteMask;
import java.net.InetSocketAddress;
import java.util.List;

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
 * @param clusterNetworks the addresses any agent may announce besides its certificate's own
 *     ({@code --cluster-networks}); empty: only certificates bound them
 * @param kubernetes what the Kubernetes API says (pods, Services, nodes), or null where it is not read
 * @param maxPlacements most placements (and processes) of conversations tracked ({@link Placer})
 * @param watch how many watch streams it serves, and how long one may leave its snapshots untaken
 * @param mask what stands in place of public remote addresses ({@code --mask-remote})
 */
public record CollectorOptions(
    IngestLimits limits, int maxMessageBytes, InetSocketAddress metricsListen, boolean publishEverySlot,
    CostConfig cost, HistoryOptions history, MetricsAccess metricsAccess, List<Network> clusterNetworks,
    ClusterMetadata kubernetes, int maxPlacements, WatchLimits watch, RemoteMask mask) {
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

  public CollectorOptions {
    if (maxMessageBytes < 1024) {
      throw new IllegalArgumentException("a message limit below 1 KiB fits no batch: " + maxMessageBytes);
    }
    clusterNetworks = List.copyOf(clusterNetworks);
  }

  public CollectorOptions(IngestLimits limits, int maxMessageBytes, InetSocketAddress metricsListen,
      boolean publishEverySlot, CostConfig cost, HistoryOptions history) {
    this(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, MetricsAccess.plain(), List.of(),
        null, Placer.DEFAULT_MAX, WatchLimits.defaults(), RemoteMask.OFF);
  }

  public static CollectorOptions defaults() {
    return new CollectorOptions(IngestLimits.defaults(), DEFAULT_MAX_MESSAGE_BYTES, null, true, CostConfig.defaults(), null);
  }

  public CollectorOptions withMetricsAccess(MetricsAccess metricsAccess) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess,
        clusterNetworks, kubernetes, maxPlacements, watch, mask);
  }

  public CollectorOptions withClusterNetworks(List<Network> clusterNetworks) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess,
        clusterNetworks, kubernetes, maxPlacements, watch, mask);
  }

  /** Reading Kubernetes (the groupings by namespace, workload, pod and Service name what it says). */
  public CollectorOptions withKubernetes(ClusterMetadata kubernetes, int maxPlacements) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess,
        clusterNetworks, kubernetes, maxPlacements, watch, mask);
  }

  public CollectorOptions withWatch(WatchLimits watch) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess,
        clusterNetworks, kubernetes, maxPlacements, watch, mask);
  }

  public CollectorOptions withMask(RemoteMask mask) {
    return new CollectorOptions(limits, maxMessageBytes, metricsListen, publishEverySlot, cost, history, metricsAccess,
        clusterNetworks, kubernetes, maxPlacements, watch, mask);
  }
}
