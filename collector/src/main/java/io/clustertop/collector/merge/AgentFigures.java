package io.clustertop.collector.merge;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.view.CaptureCounters;
import java.util.List;

/** One agent as readers see it (views, cost, metrics, history): read only, inside {@link ClusterFigures#read}. */
public interface AgentFigures {
  String node();

  /** Where the node runs (its zone and region, or Kubernetes' topology labels). */
  NodePlace place();

  AgentId agentId();

  /** The epoch running now. */
  long epoch();

  List<IpAddress> addresses();

  boolean connected();

  /** Its epoch changed since the collector first saw it: counters began again. */
  boolean restarted();

  /** Seconds of traffic its gaps lost, since the collector started. */
  double gapSeconds();

  /** Collector time of the latest batch or full state applied. */
  long lastBatchNanos();

  /** Collector time of the latest sign of life: a batch, a full state or a Hello. */
  long lastHeardNanos();

  /** Capture counters of every epoch, added up. */
  CaptureCounters counters();

  /** The epoch running now (the history derives its cost from it alone). */
  EpochFigures currentEpoch();

  /** The epochs to read: the current one, and the earlier ones added together if any. */
  List<? extends EpochFigures> epochs();
}
