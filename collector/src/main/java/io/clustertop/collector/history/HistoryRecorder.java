package io.clustertop.collector.history;

import io.clustertop.collector.cost.CostLedger;
import io.clustertop.collector.cost.LedgerDimension;
import io.clustertop.collector.cost.LedgerKey;
import io.clustertop.collector.merge.AgentFigures;
import io.clustertop.collector.merge.EpochFigures;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.core.cost.CostConfig;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a minute of cost history: for every settled agent epoch, its cost ledger now less what was
 * written before (its baseline), per node; the node's top remotes and services by name, the rest
 * folded into "other" with their class and direction kept, so every total is exact; and every
 * namespace and workload by name: they are as many as the pods on the node at most (the kubelet's
 * max-pods, 110 by default), and the placements behind them are bounded ({@code Placer}).
 *
 * <p>An epoch that ends (the agent restarted) is derived one last time at that moment, written with
 * the next minute, and its baseline dropped. Epochs still waiting for their full state (after a
 * collector restart) are left out until it comes: their figures are incomplete until then.
 *
 * <p>Thread safety: {@link #flush} from one thread at a time; {@link #epochEnding} is called under
 * the cluster's lock from any thread.
 */
public final class HistoryRecorder {
  static final long MINUTE_NANOS = 60_000_000_000L;

  private final MergeStore cluster;
  private final CostConfig config;
  private final HistoryStore store;
  private final HistoryOptions options;
  private final HistoryMetrics metrics;
  /** Each epoch's ledger as last written: the baselines. */
  private final Map<EpochId, CostLedger> written;
  /** Ended epochs' final ledgers, with their node names, waiting for the next flush. */
  private final Map<EpochId, Ended> ended = new LinkedHashMap<>();

  private record Ended(String node, CostLedger ledger) {}

  public HistoryRecorder(MergeStore cluster, CostConfig config, HistoryStore store, HistoryOptions options,
      HistoryMetrics metrics) throws SQLException {
    this.cluster = cluster;
    this.config = config;
    this.store = store;
    this.options = options;
    this.metrics = metrics;
    this.written = new HashMap<>(store.baselines());
    cluster.onEpochEnd(this::epochEnding);
  }

  private void epochEnding(AgentFigures agent, EpochFigures ending) {
    if (!ending.settled()) {
      return; // it never held the whole epoch: what it has is in its baseline already, or nowhere
    }
    CostLedger ledger = CostLedger.of(List.of(ending), cluster);
    synchronized (ended) {
      ended.put(id(agent, ending), new Ended(agent.node(), ledger));
    }
  }

  /** Writes what was counted since the last flush as minute {@code unixNanos / 60 s}. */
  public void flush(long unixNanos) throws SQLException {
    long minute = Math.floorDiv(unixNanos, MINUTE_NANOS);
    Map<EpochId, CostLedger> now = new HashMap<>();
    Map<EpochId, String> nodes = new HashMap<>();
    // One agent at a time, each locked on its own, so a batch waits for its own node's derivation at most.
    cluster.read(c -> {
      c.forEachAgent(a -> {
        EpochFigures e = a.currentEpoch();
        if (e.settled()) {
          EpochId id = id(a, e);
          now.put(id, CostLedger.of(List.of(e), cluster));
          nodes.put(id, a.node());
        }
      });
      return null;
    });
    List<EpochId> endedIds = new ArrayList<>();
    synchronized (ended) {
      ended.forEach((id, e) -> {
        now.put(id, e.ledger());
        nodes.put(id, e.node());
        endedIds.add(id);
      });
    }
    Map<EpochId, CostLedger> changed = new HashMap<>();
    Map<String, CostLedger> byNode = new HashMap<>();
    now.forEach((id, ledger) -> {
      CostLedger delta = ledger.minus(written.getOrDefault(id, new CostLedger()));
      if (!delta.isEmpty()) {
        changed.put(id, delta);
        byNode.computeIfAbsent(nodes.get(id), n -> new CostLedger()).addAll(delta);
      }
    });
    List<RollupRow> rows = new ArrayList<>();
    byNode.forEach((node, delta) -> {
      for (LedgerDimension d : LedgerDimension.values()) {
        rows(node, d, delta.lines(d), rows);
      }
    });
    try {
      store.write(minute, rows, config.prices(), now, changed, endedIds);
    } catch (SQLException e) {
      metrics.flushFailures.increment();
      throw e; // the baselines stay as they were: the next flush writes this minute's bytes too
    }
    now.forEach(written::put);
    endedIds.forEach(written::remove);
    synchronized (ended) {
      endedIds.forEach(ended::remove);
    }
    metrics.flushes.increment();
    metrics.rowsWritten.add(rows.size());
    long[] pruned = store.prune(minute - options.retention().toMinutes(), options.maxBytes());
    metrics.rowsExpired.add(pruned[0]);
    metrics.rowsEvicted.add(pruned[1]);
    metrics.fileBytes = store.sizeBytes();
  }

  /**
   * One node's lines of one dimension: the top remotes (or services) by bytes, the rest as "other";
   * every namespace and workload.
   */
  private void rows(String node, LedgerDimension dimension, Map<LedgerKey, Long> lines, List<RollupRow> out) {
    if (dimension.byPlacement()) {
      lines.forEach((k, v) -> out.add(new RollupRow(node, dimension, k, v)));
      return;
    }
    Map<String, Long> byKey = new HashMap<>();
    lines.forEach((k, v) -> byKey.merge(k.key(), Math.abs(v), Long::sum));
    List<String> ranked = new ArrayList<>(byKey.keySet());
    ranked.remove(LedgerKey.OTHER);
    ranked.sort((a, b) -> Long.compare(byKey.get(b), byKey.get(a)));
    Set<String> kept = new HashSet<>(ranked.subList(0, Math.min(options.topRemotes(), ranked.size())));
    Map<LedgerKey, Long> folded = new LinkedHashMap<>();
    lines.forEach((k, v) -> {
      LedgerKey key = kept.contains(k.key()) ? k : new LedgerKey(k.costClass(), k.direction(), LedgerKey.OTHER);
      if (key != k && !k.key().equals(LedgerKey.OTHER)) {
        metrics.linesFolded.increment();
      }
      folded.merge(key, v, Long::sum);
    });
    folded.forEach((k, v) -> out.add(new RollupRow(node, dimension, k, v)));
  }

  private static EpochId id(AgentFigures agent, EpochFigures epoch) {
    return new EpochId(agent.agentId().hex(), epoch.epoch());
  }
}
