package io.clustertop.agent.monitor;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;

/**
 * Told of every interval's counts (normally one second), on the aggregation thread, before the
 * interval table is cleared: what an agent streams as a delta batch.
 */
@FunctionalInterface
public interface IntervalListener {
  IntervalListener NONE = (flows, counters, end, table) -> {};

  /**
   * @param flows the interval's table; valid during the call only
   * @param counters the capture counters, cumulative, as of the end of the interval
   * @param endUnixNanos when the interval ended: wall time live, packet time for a file
   * @param table the conversation table, this interval included; to be read during the call only
   *     (it is the aggregation thread's), as an agent does to build a full state for a collector
   */
  void interval(FlowAccumulator flows, CaptureCounters counters, long endUnixNanos, ConversationTable table);
}
