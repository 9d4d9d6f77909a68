package io.clustertop.collector.metrics;

import io.clustertop.collector.merge.InputProblem;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the collector did, since it started: batches applied, deduplicated (replays and duplicates,
 * acknowledged again and not counted), full states applied, messages rejected by reason (the agent
 * limit turning an agent away among them), snapshots a slow watcher never got, and the time views
 * took to make.
 *
 * <p>Thread safety: safe; every counter is a {@link LongAdder}, so the hot path never waits.
 */
public final class CollectorMetrics {
  private final LongAdder applied = new LongAdder();
  private final LongAdder deduplicated = new LongAdder();
  private final LongAdder fullStates = new LongAdder();
  private final LongAdder snapshotsDropped = new LongAdder();
  private final LongAdder heldDropped = new LongAdder();
  private final LongAdder viewsBuilt = new LongAdder();
  private final LongAdder viewBuildNanos = new LongAdder();
  private final Map<InputProblem, LongAdder> rejected = new EnumMap<>(InputProblem.class);

  public CollectorMetrics() {
    for (InputProblem p : InputProblem.values()) {
      rejected.put(p, new LongAdder());
    }
  }

  public void applied() {
    applied.increment();
  }

  public void deduplicated() {
    deduplicated.increment();
  }

  public void fullStateApplied() {
    fullStates.increment();
  }

  public void rejected(InputProblem problem) {
    rejected.get(problem).increment();
  }

  /** {@code batches} held after a missing one were dropped: their stream ended (the agent sends them again). */
  public void heldDropped(int batches) {
    heldDropped.add(batches);
  }

  public long heldBatchesDropped() {
    return heldDropped.sum();
  }

  /** A watch subscriber was not ready, so an older snapshot was replaced before it was sent. */
  public void snapshotDropped() {
    snapshotsDropped.increment();
  }

  /** A watch snapshot was made, in {@code nanos} (waiting for the merge's lock included). */
  public void viewBuilt(long nanos) {
    viewsBuilt.increment();
    viewBuildNanos.add(nanos);
  }

  public long viewsBuilt() {
    return viewsBuilt.sum();
  }

  public long viewBuildNanos() {
    return viewBuildNanos.sum();
  }

  public long batchesApplied() {
    return applied.sum();
  }

  public long batchesDeduplicated() {
    return deduplicated.sum();
  }

  public long fullStatesApplied() {
    return fullStates.sum();
  }

  public long rejectedCount(InputProblem problem) {
    return rejected.get(problem).sum();
  }

  public long snapshotsDropped() {
    return snapshotsDropped.sum();
  }
}
