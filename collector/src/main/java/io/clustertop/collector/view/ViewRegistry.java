package io.clustertop.collector.view;

import io.clustertop.collector.merge.AgentFigures;
import io.clustertop.collector.merge.EpochFigures;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.RefusedAgents;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.status.NodeStatuses;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.rows.FrameContext;
import io.clustertop.core.rows.LiveView;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.window.SlotClock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The views consoles watch, one per {@link ViewSpec} (grouping, node or cluster, hidden sides, ports),
 * each kept up to date by the merge as batches arrive: created (one build, agent by agent) when its
 * first subscriber arrives, dropped when its last one goes. A view nobody watches costs nothing.
 *
 * <p>Thread safety: safe; one monitor over the views' lifecycle and frames, which the merge's
 * batches never take (they take each view's own lock). A first build runs outside it.
 */
public final class ViewRegistry {
  private final MergeStore merge;
  private final CollectorMetrics metrics;
  private final Map<ViewSpec, Watched> views = new HashMap<>();

  private static final class Watched {
    final LiveView view;
    int subscribers;
    /** Its first build is done; until then it has no frame, and later subscribers wait for it. */
    boolean built;

    Watched(LiveView view) {
      this.view = view;
    }
  }

  public ViewRegistry(MergeStore merge, CollectorMetrics metrics) {
    this.merge = merge;
    this.metrics = metrics;
  }

  /**
   * A subscriber of {@code spec} arrived: its view is built if it is the first (or, if another
   * subscriber's build of it is under way, it waits for that). The build runs outside this
   * registry's monitor, so the other views go on being published meanwhile.
   */
  public void acquire(ViewSpec spec) {
    Watched w;
    synchronized (this) {
      w = views.get(spec);
      if (w != null) {
        w.subscribers++;
        while (!w.built) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for a view's build", e);
          }
        }
        return;
      }
      w = new Watched(new LiveView(spec, merge.unattributedClass(), merge.placer().placements()));
      w.subscribers = 1;
      views.put(spec, w);
    }
    long start = System.nanoTime();
    merge.attach(w.view);
    metrics.viewBuilt(spec, System.nanoTime() - start);
    synchronized (this) {
      w.built = true;
      notifyAll();
      if (w.subscribers == 0) {
        merge.detach(w.view); // its subscribers left during the build
      }
    }
  }

  /** A subscriber of {@code spec} left: its view goes with the last one. */
  public synchronized void release(ViewSpec spec) {
    Watched w = views.get(spec);
    if (w != null && --w.subscribers == 0) {
      views.remove(spec);
      if (w.built) {
        merge.detach(w.view);
      }
    }
  }

  /** Builds every view again if who the agents are changed (before a publication reads them). */
  public synchronized void refresh() {
    merge.refreshViews();
  }

  /**
   * The view of {@code spec} as of slot {@code latestCompleted}, read once for all its subscribers;
   * null if nobody watches it any more.
   */
  public synchronized Frame frame(ViewSpec spec, long latestCompleted) {
    Watched w = views.get(spec);
    if (w == null || !w.built) {
      return null;
    }
    merge.refreshViews();
    long[] firstSlot = {Long.MAX_VALUE};
    List<NodeState> nodes = new ArrayList<>();
    CaptureCounters[] counters = {CaptureCounters.ZERO};
    long now = merge.nowNanos();
    Map<AgentId, RefusedAgents.Entry> refused = new HashMap<>();
    for (RefusedAgents.Entry e : merge.refusedAgents().current(now)) {
      if (spec.clusterScope() || spec.node().equals(e.identity().node())) {
        refused.put(e.identity().agentId(), e);
      }
    }
    merge.read(c -> {
      c.forEachAgent(a -> {
        if (inScope(spec, a)) {
          nodes.add(NodeStatuses.of(a, now, refused.remove(a.agentId())));
          counters[0] = counters[0].plus(a.counters());
          for (EpochFigures e : a.epochs()) {
            firstSlot[0] = Math.min(firstSlot[0], e.conversations().firstSlot());
          }
        }
      });
      return null;
    });
    for (RefusedAgents.Entry e : refused.values()) {
      nodes.add(NodeStatuses.of(e));
    }
    // As iftop: a window longer than the time there was averages over the time there was.
    long completed = firstSlot[0] == Long.MAX_VALUE ? 0 : Math.max(0, latestCompleted - firstSlot[0] + 1);
    FrameContext context = new FrameContext(SlotClock.startOf(latestCompleted + 1),
        spec.clusterScope() ? "cluster" : spec.node(), nodes, counters[0], merge.labels());
    return w.view.frame(latestCompleted, completed, context);
  }

  private static boolean inScope(ViewSpec spec, AgentFigures agent) {
    return spec.clusterScope() || spec.node().equals(agent.node());
  }

  /** Views watched now. */
  public synchronized int size() {
    return views.size();
  }
}
