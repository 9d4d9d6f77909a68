package io.clustertop.console.screen;

import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.status.Attachment;
import io.clustertop.core.view.Snapshot;
import io.clustertop.proto.v1.Grouping;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the screen's snapshots come from: the local capture, or the watch stream of an agent or
 * the collector. The screen never waits on a feed: it says what it wants to see and takes the
 * newest snapshot when there is one.
 */
public interface ViewFeed extends AutoCloseable {
  /** What to show from now on; a feed may answer from its next snapshot. Called before each frame. */
  void watch(ViewRequest request);

  /** The newest snapshot since the last call, or null if none came. */
  Update take();

  /** What the feed is attached to, for the status line: an interface, a file, {@code HOST:PORT}. */
  String name();

  /** What the feed is attached to; a remote feed knows once a snapshot has said. */
  Attachment attachment();

  /** The connection's state for the status line; null where there is no connection (local capture). */
  String connection();

  /** The groupings the server offers beyond the collector's usual ones ({@code g} cycles them too); none locally. */
  default List<Grouping> offered() {
    return List.of();
  }

  /** The server's line about the Kubernetes API, for the status line; "" where there is none. */
  default String kubernetes() {
    return "";
  }

  /** How a relay made the latest view ({@code RelaySummary}), for the status line; null but from a relay. */
  default String relay() {
    return null;
  }

  /**
   * Replaces the capture filter (a BPF expression; "" for every packet) of the capture behind the
   * feed, where that capture allows it. Never blocks: the answer comes once the capture thread has
   * set it, or with why it was not.
   */
  CompletionStage<CaptureFilterAnswer> changeCaptureFilter(String expression);

  @Override
  void close();

  /**
   * A snapshot and what it costs, taken together so that they cannot belong to two snapshots.
   *
   * @param cost a line per row of {@code snapshot}, in its order; null without cost (a local
   *     capture, an agent, a grouping without cost)
   */
  record Update(Snapshot snapshot, ViewCost cost) {}
}
