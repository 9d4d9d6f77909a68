package io.clustertop.core.report;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.Volume;
import java.util.List;

/**
 * One conversation in a full state: its volume since the epoch began, and its last slots, oldest
 * first, aligned with the state's first slot (the list stops at its latest slot with traffic).
 */
public record FlowHistory(FlowKey key, Volume cumulative, List<Volume> slots) {
  public FlowHistory {
    slots = List.copyOf(slots);
  }
}
