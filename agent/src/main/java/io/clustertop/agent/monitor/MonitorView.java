package io.clustertop.agent.monitor;

import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.ConversationTable;

/** What a {@link TickListener} sees at a tick. */
public interface MonitorView {
  /** Time since the start of the capture: wall time live, packet time for a file. */
  long elapsedMillis();

  /** True when this tick closed a 2-second slot: iftop refreshes its display then. */
  boolean slotClosed();

  /** True for the last tick: the source ended or the monitor was stopped. */
  boolean finished();

  /** The table as of the latest completed slot, through {@code options}. */
  default Snapshot snapshot(ViewOptions options) {
    return snapshot(options, ConversationTable::snapshot);
  }

  /** The table turned into a snapshot by {@code grouping} (another grouping of its rows). */
  Snapshot snapshot(ViewOptions options, TableView grouping);

  /** Turns the conversation table into a snapshot, as {@link ConversationTable#snapshot} does. */
  @FunctionalInterface
  interface TableView {
    /** Read {@code table} during the call only: it is the aggregation thread's. */
    Snapshot snapshot(ConversationTable table, ViewOptions options, String source, long timeMillis,
        CaptureCounters counters);
  }
}
