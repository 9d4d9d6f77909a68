package io.clustertop.agent.monitor;

/** Told of every 1-second tick of a {@link Monitor}, on the monitor's aggregation thread. */
@FunctionalInterface
public interface TickListener {
  /**
   * @param view the table as of this tick; valid during the call only
   */
  void tick(MonitorView view);
}
