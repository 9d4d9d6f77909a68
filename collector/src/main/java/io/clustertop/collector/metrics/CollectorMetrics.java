package io.clustertop.collector.metrics;

import io.clustertop.collector.merge.InputProblem;
import io.clustertop.core.rows.Grouping;
import io.clustertop.core.rows.ViewSpec;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the collector did, since it started: batches applied, deduplicated (replays and duplicates,
 * acknowledged again and not counted), full states applied, messages rejected by reason (the agent
 * limit turning an agent away among them), held batches dropped, conversations folded, agents
 * dropped, snapshots a slow watcher never got, and per grouping the time views took to build, frames
 * to read and subscribers' snapshots to cut.
 *
 * <p>Thread safety: safe; every counter is a {@link LongAdder}, so the hot path never waits.
 */
public final class CollectorMetrics {
  private final LongAdder applied = new LongAdder();
  private final LongAdder deduplicated = new LongAdder();
  private final LongAdder fullStates = new LongAdder();
  private final LongAdder fullStatesNotNeeded = new LongAdder();
  private final LongAdder snapshotsDropped = new LongAdder();
  private final LongAdder heldDropped = new LongAdder();
  private final LongAdder folded = new LongAdder();
  private final LongAdder newConversationsFolded = new LongAdder();
  private final LongAdder watchRefused = new LongAdder();
  private final LongAdder watchUnread = new LongAdder();
  private final LongAdder departed = new LongAdder();
  private final LongAdder viewsRebuilt = new LongAdder();
  /** By grouping and scope ({@link #timer}). */
  private final Timer[] viewBuilds = timers();
  private final Timer[] frameBuilds = timers();
  private final Timer[] cuts = timers();

  private static Timer[] timers() {
    Timer[] t = new Timer[Grouping.values().length * 2];
    for (int i = 0; i < t.length; i++) {
      t[i] = new Timer();
    }
    return t;
  }

  /** A view's timer: by grouping, and the cluster's view apart from a node's own. */
  private static Timer timer(Timer[] timers, ViewSpec spec) {
    return timer(timers, spec.grouping(), spec.clusterScope());
  }

  private static Timer timer(Timer[] timers, Grouping grouping, boolean cluster) {
    return timers[grouping.ordinal() * 2 + (cluster ? 0 : 1)];
  }

  /** How many times something took how long, in all. */
  public static final class Timer {
    private final LongAdder count = new LongAdder();
    private final LongAdder nanos = new LongAdder();

    void add(long took) {
      count.increment();
      nanos.add(took);
    }

    public long count() {
      return count.sum();
    }

    public long nanos() {
      return nanos.sum();
    }
  }
  private final Map<InputProblem, LongAdder> rejected = new EnumMap<>(InputProblem.class);

  public CollectorMetrics() {
    for (InputProblem p : InputProblem.values()) {
      rejected.put(p, new LongAdder());
    }
  }

  /** Conversations folded into "other" past the per-agent or the collector-wide limit. */
  public void folded(long conversations) {
    folded.add(conversations);
  }

  public long conversationsFolded() {
    return folded.sum();
  }

  /** Flows of new conversations past {@code --max-new-conversations-per-second}, counted into their agent's "other". */
  public void newConversationsFolded(long flows) {
    newConversationsFolded.add(flows);
  }

  public long newConversationsFolded() {
    return newConversationsFolded.sum();
  }

  /** A watch refused: past {@code --max-subscribers} or {@code --max-subscribers-per-console}. */
  public void watchRefused() {
    watchRefused.increment();
  }

  public long watchesRefused() {
    return watchRefused.sum();
  }

  /** A watch stream closed because it took no snapshot for {@code --watch-unread-publications} publications. */
  public void watchClosedUnread() {
    watchUnread.increment();
  }

  public long watchesClosedUnread() {
    return watchUnread.sum();
  }

  /** An agent was dropped (gone longer than the expiry, or retired by a new agent of its node). */
  public void departed() {
    departed.increment();
  }

  public long agentsDeparted() {
    return departed.sum();
  }

  /** Every view was built again (who the agents are changed). */
  public void viewsRebuilt() {
    viewsRebuilt.increment();
  }

  public long viewRebuilds() {
    return viewsRebuilt.sum();
  }

  /** A view was built for its first subscriber, in {@code nanos}. */
  public void viewBuilt(ViewSpec view, long nanos) {
    timer(viewBuilds, view).add(nanos);
  }

  /** A view's frame was read for a publication or a new subscriber, in {@code nanos} (its sorts included). */
  public void frameBuilt(ViewSpec view, long nanos) {
    timer(frameBuilds, view).add(nanos);
  }

  /** A subscriber's snapshot was cut from a frame (filter, order, top rows, "other", message), in {@code nanos}. */
  public void cut(ViewSpec view, long nanos) {
    timer(cuts, view).add(nanos);
  }

  /** @param cluster the cluster's views, or the nodes' own */
  public Timer viewBuilds(Grouping grouping, boolean cluster) {
    return timer(viewBuilds, grouping, cluster);
  }

  public Timer frameBuilds(Grouping grouping, boolean cluster) {
    return timer(frameBuilds, grouping, cluster);
  }

  public Timer cuts(Grouping grouping, boolean cluster) {
    return timer(cuts, grouping, cluster);
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

  /** A full state that held nothing the epoch lacked: acknowledged, not applied ({@code MergeStore.fullState}). */
  public void fullStateNotNeeded() {
    fullStatesNotNeeded.increment();
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

  public long batchesApplied() {
    return applied.sum();
  }

  public long batchesDeduplicated() {
    return deduplicated.sum();
  }

  public long fullStatesApplied() {
    return fullStates.sum();
  }

  public long fullStatesNotNeeded() {
    return fullStatesNotNeeded.sum();
  }

  public long rejectedCount(InputProblem problem) {
    return rejected.get(problem).sum();
  }

  public long snapshotsDropped() {
    return snapshotsDropped.sum();
  }
}
