package io.clustertop.agent.monitor;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.view.CaptureCounters;

/**
 * Told of every interval's counts (normally one second), on the aggregation thread, before the
 * interval table is cleared: what an agent streams as a delta batch.
 */
@FunctionalInterface
public interface IntervalListener {
  IntervalListener NONE = (flows, counters, end) -> {};

  /**
   * @param flows the interval's table; valid during the call only
   * @param counters the capture counters, cumulative, as of the end of the interval
   * @param endUnixNanos when the interval ended: wall time live, packet time for a file
   */
  void interval(FlowAccumulator flows, CaptureCounters counters, long endUnixNanos);
}
