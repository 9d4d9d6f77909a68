package io.clustertop.core.report;

import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.Volume;
import java.util.List;

/**
 * One conversation in a full state: its volume since the epoch began, and its last slots, oldest
 * first, aligned with the state's first slot (the list stops at its latest slot with traffic).
 *
 * @param attribution its local end's process as the agent attributed it; null where not known
 */
public record FlowHistory(FlowKey key, Volume cumulative, List<Volume> slots, Attribution attribution) {
  public FlowHistory {
    slots = List.copyOf(slots);
  }

  public FlowHistory(FlowKey key, Volume cumulative, List<Volume> slots) {
    this(key, cumulative, slots, null);
  }
}
