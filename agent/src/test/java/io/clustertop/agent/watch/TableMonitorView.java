package io.clustertop.agent.watch;

import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.ConversationTable;

/** A monitor's tick over a table the test fills, as the aggregation thread would show it. */
final class TableMonitorView {
  private TableMonitorView() {}

  static MonitorView of(ConversationTable table, boolean slotClosed, boolean finished, CaptureCounters counters) {
    return new MonitorView() {
      @Override
      public long elapsedMillis() {
        return 0;
      }

      @Override
      public boolean slotClosed() {
        return slotClosed;
      }

      @Override
      public boolean finished() {
        return finished;
      }

      @Override
      public Snapshot snapshot(ViewOptions options, TableView grouping) {
        return grouping.snapshot(table, options, "eth0", 0, counters);
      }
    };
  }
}
