package io.clustertop.core.report;

import io.clustertop.core.flow.Volume;
import io.clustertop.core.view.CaptureCounters;
import java.util.List;

/**
 * Everything an agent knows of its epoch, sent when the collector does not know the epoch (it
 * restarted, or lost batches): per conversation its volume since the epoch began and its last 40
 * seconds in 2-second slots, and the totals likewise (exact whatever the conversations leave out).
 *
 * @param sequence the last batch whose traffic this includes
 * @param firstSlotStartUnixNanos when the first slot of the lists began
 * @param gap batches the agent dropped before it could send them (its buffer overflowed), whose
 *     traffic is in the cumulative volumes but whose seconds are lost to the rates; null if none
 */
public record FullState(long sequence, long firstSlotStartUnixNanos, List<FlowHistory> flows, Volume total,
    List<Volume> totalSlots, CaptureCounters counters, Gap gap) implements Report {
  public FullState {
    flows = List.copyOf(flows);
    totalSlots = List.copyOf(totalSlots);
  }

  /** A full state without a gap. */
  public FullState(long sequence, long firstSlotStartUnixNanos, List<FlowHistory> flows, Volume total,
      List<Volume> totalSlots, CaptureCounters counters) {
    this(sequence, firstSlotStartUnixNanos, flows, total, totalSlots, counters, null);
  }

  public boolean hasGap() {
    return gap != null;
  }
}
