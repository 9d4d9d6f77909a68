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
 */
public record FullState(long sequence, long firstSlotStartUnixNanos, List<FlowHistory> flows, Volume total,
    List<Volume> totalSlots, CaptureCounters counters) implements Report {
  public FullState {
    flows = List.copyOf(flows);
    totalSlots = List.copyOf(totalSlots);
  }
}
