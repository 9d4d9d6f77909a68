package io.clustertop.collector.merge;

/**
 * The answer to a Hello.
 *
 * @param appliedThrough every batch up to this sequence of the agent's epoch is applied
 * @param sendFullState the collector does not know the epoch (or lost batches of it): it needs the
 *     agent's full state before further batches count
 * @param how why the agent is here: new to the collector, back on a new stream, or restarted
 */
public record Joined(Speaker speaker, long appliedThrough, boolean sendFullState, How how) {
  /** What a Hello was to the collector. */
  public enum How {
    /** An agent id the collector did not hold. */
    NEW,
    /** A known agent, same epoch: a new stream after a disconnect. */
    RECONNECTED,
    /** A known agent with a newer epoch: it restarted, its counters begin again. */
    RESTARTED
  }
}
