package io.clustertop.agent.monitor;

import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;

/** What a {@link TickListener} sees at a tick. */
public interface MonitorView {
  /** Time since the start of the capture: wall time live, packet time for a file. */
  long elapsedMillis();

  /** True when this tick closed a 2-second slot: iftop refreshes its display then. */
  boolean slotClosed();

  /** True for the last tick: the source ended or the monitor was stopped. */
  boolean finished();

  /** The table as of the latest completed slot, through {@code options}. */
  Snapshot snapshot(ViewOptions options);
}
