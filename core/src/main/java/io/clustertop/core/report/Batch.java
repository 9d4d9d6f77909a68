package io.clustertop.core.report;

import io.clustertop.core.attribution.FlowOwners;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.view.CaptureCounters;

/**
 * One interval (normally a second) of one agent: its conversations that changed (at most the
 * agent's per-batch limit, largest first), and the exact total of everything it counted, so a
 * conversation cut from the list still counts in the node's totals.
 *
 * @param sequence 1, 2, 3 ... within an epoch
 * @param counters the capture counters, cumulative since the epoch began
 * @param gap batches lost just before this one, or null
 * @param owners the local ends' processes of the flows, as the agent attributed them
 */
public record Batch(long sequence, long startUnixNanos, long endUnixNanos, Flows flows, Volume total,
    CaptureCounters counters, Gap gap, FlowOwners owners) implements Report {

  /** A batch without attribution (a replay, an agent that does not attribute). */
  public Batch(long sequence, long startUnixNanos, long endUnixNanos, Flows flows, Volume total,
      CaptureCounters counters, Gap gap) {
    this(sequence, startUnixNanos, endUnixNanos, flows, total, counters, gap, FlowOwners.NONE);
  }

  public boolean hasGap() {
    return gap != null;
  }

  /** What the flows leave out of the total: the conversations the agent cut or folded. */
  public Volume rest() {
    return total.minus(flows.sum());
  }

  /** Roughly what this batch takes on the heap while it is held. */
  public long heapBytes() {
    return flows.heapBytes() + 256;
  }
}
