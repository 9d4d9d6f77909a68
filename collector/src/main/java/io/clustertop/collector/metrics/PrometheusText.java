package io.clustertop.collector.metrics;

import io.clustertop.collector.cost.CostLedger;
import io.clustertop.collector.cost.LedgerKey;
import io.clustertop.collector.history.HistoryMetrics;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.EpochState;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.SlotClock;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.window.RowSums;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.cost.CostConfig;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collector's figures in Prometheus' text format (version 0.0.4): per node, what it sent and
 * received (its own view, every epoch) and what its capture lost; ingestion's counters; agents.
 *
 * <p>Thread safety: stateless; it reads the cluster inside {@link MergeStore#read}.
 */
public final class PrometheusText {
  private PrometheusText() {}

  /** @param history null when the collector keeps no history */
  public static String render(MergeStore cluster, CollectorMetrics metrics, CostConfig cost, HistoryMetrics history) {
    StringBuilder out = new StringBuilder(4096);
    cluster.read(c -> {
      long latest = SlotClock.latestCompleted(c.nowNanos());
      header(out, "clustertop_node_sent_bytes_total", "counter", "IP bytes the node sent, as its agent counted them.");
      header(out, "clustertop_node_received_bytes_total", "counter", "IP bytes the node received.");
      header(out, "clustertop_node_sent_packets_total", "counter", "IP packets the node sent.");
      header(out, "clustertop_node_received_packets_total", "counter", "IP packets the node received.");
      header(out, "clustertop_node_capture_dropped_total", "counter",
          "Packets the node's capture lost: where=kernel (ring full) or interface.");
      c.forEachAgent(a -> {
        RowSums sums = new RowSums();
        for (EpochState e : a.epochs()) {
          e.nodeTotals().addTo(sums, latest);
        }
        Traffic sent = sums.sent(0, false);
        Traffic received = sums.received(0, false);
        String node = "node=\"" + escape(a.node()) + "\"";
        sample(out, "clustertop_node_sent_bytes_total", node, sent.bytes());
        sample(out, "clustertop_node_received_bytes_total", node, received.bytes());
        sample(out, "clustertop_node_sent_packets_total", node, sent.packets());
        sample(out, "clustertop_node_received_packets_total", node, received.packets());
        CaptureCounters counters = a.counters();
        sample(out, "clustertop_node_capture_dropped_total", node + ",where=\"kernel\"", counters.droppedByKernel());
        sample(out, "clustertop_node_capture_dropped_total", node + ",where=\"interface\"",
            counters.droppedByInterface());
      });
      costs(out, c, cost);
      return null;
    });
    header(out, "clustertop_agents_connected", "gauge", "Agents with an ingest stream open.");
    sample(out, "clustertop_agents_connected", "", cluster.connectedAgents());
    header(out, "clustertop_agents", "gauge", "Agents the collector holds figures of.");
    sample(out, "clustertop_agents", "", cluster.agentCount());
    header(out, "clustertop_ingest_batches_applied_total", "counter", "Batches counted.");
    sample(out, "clustertop_ingest_batches_applied_total", "", metrics.batchesApplied());
    header(out, "clustertop_ingest_batches_deduplicated_total", "counter",
        "Batches received again (replays, duplicates): acknowledged, not counted.");
    sample(out, "clustertop_ingest_batches_deduplicated_total", "", metrics.batchesDeduplicated());
    header(out, "clustertop_ingest_full_states_total", "counter", "Full states applied.");
    sample(out, "clustertop_ingest_full_states_total", "", metrics.fullStatesApplied());
    header(out, "clustertop_ingest_rejected_total", "counter",
        "Messages refused, by reason; too_many_agents counts agents turned away by --max-agents.");
    for (InputProblem p : InputProblem.values()) {
      sample(out, "clustertop_ingest_rejected_total", "reason=\"" + p.name().toLowerCase(Locale.ROOT) + "\"",
          metrics.rejectedCount(p));
    }
    header(out, "clustertop_ingest_held_batches_dropped_total", "counter",
        "Batches held after a missing one, dropped when their stream ended (the agent sends them again).");
    sample(out, "clustertop_ingest_held_batches_dropped_total", "", metrics.heldBatchesDropped());
    header(out, "clustertop_watch_snapshots_dropped_total", "counter",
        "Snapshots replaced by a newer one before a slow subscriber could take them.");
    sample(out, "clustertop_watch_snapshots_dropped_total", "", metrics.snapshotsDropped());
    header(out, "clustertop_watch_view_build_seconds", "summary",
        "Time to make a watch snapshot, waiting for the merge's lock included: views read every conversation.");
    out.append("clustertop_watch_view_build_seconds_sum ").append(metrics.viewBuildNanos() / 1e9).append('\n');
    sample(out, "clustertop_watch_view_build_seconds_count", "", metrics.viewsBuilt());
    if (history != null) {
      history(out, history);
    }
    return out.toString();
  }

  /**
   * Per node, class and direction, each byte once: the bytes and their cost. Counters, though they
   * can step back where a conversation is later folded into "other" or a node becomes known (its
   * traffic is then its own agent's to count); they restart with the collector, as counters do.
   */
  private static void costs(StringBuilder out, MergeStore c, CostConfig cost) {
    header(out, "clustertop_cost_bytes_total", "counter",
        "IP bytes by node, destination class and direction (egress, ingress, internal: node to node), each byte once.");
    StringBuilder money = new StringBuilder();
    header(money, "clustertop_cost_total", "counter",
        "What those bytes cost at the configured prices, in the currency label.");
    String currency = "currency=\"" + escape(cost.prices().currency()) + "\"";
    c.forEachAgent(a -> {
      Map<LedgerKey, Long> byClass = new TreeMap<>(Comparator.comparing(LedgerKey::costClass)
          .thenComparing(LedgerKey::direction));
      CostLedger.of(c, a, a.epochs(), cost.classifier()).byRemote()
          .forEach((k, v) -> byClass.merge(new LedgerKey(k.costClass(), k.direction(), ""), v, Long::sum));
      byClass.forEach((k, bytes) -> {
        String labels = "node=\"" + escape(a.node()) + "\",class=\"" + escape(k.costClass()) + "\",direction=\""
            + k.direction().label() + "\"";
        sample(out, "clustertop_cost_bytes_total", labels, bytes);
        money.append("clustertop_cost_total{").append(labels).append(',').append(currency).append("} ")
            .append(cost.prices().cost(k.costClass(), k.direction(), bytes).toPlainString()).append('\n');
      });
    });
    out.append(money);
  }

  private static void history(StringBuilder out, HistoryMetrics history) {
    header(out, "clustertop_history_writes_total", "counter", "Minutes of cost history written.");
    sample(out, "clustertop_history_writes_total", "", history.flushes());
    header(out, "clustertop_history_write_failures_total", "counter",
        "Failed writes; their bytes go with the next write.");
    sample(out, "clustertop_history_write_failures_total", "", history.flushFailures());
    header(out, "clustertop_history_rows_written_total", "counter", "Rollup rows written.");
    sample(out, "clustertop_history_rows_written_total", "", history.rowsWritten());
    header(out, "clustertop_history_lines_folded_total", "counter",
        "Remote addresses or services folded into \"other\" by --history-top-remotes.");
    sample(out, "clustertop_history_lines_folded_total", "", history.linesFolded());
    header(out, "clustertop_history_rows_deleted_total", "counter",
        "Rollup rows deleted: reason=retention (--history-retention) or size (--history-max-bytes).");
    sample(out, "clustertop_history_rows_deleted_total", "reason=\"retention\"", history.rowsExpired());
    sample(out, "clustertop_history_rows_deleted_total", "reason=\"size\"", history.rowsEvicted());
    header(out, "clustertop_history_file_bytes", "gauge", "The history file's size, after the latest write.");
    sample(out, "clustertop_history_file_bytes", "", history.fileBytes());
  }

  private static void header(StringBuilder out, String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
  }

  private static void sample(StringBuilder out, String name, String labels, long value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{').append(labels).append('}');
    }
    out.append(' ').append(value).append('\n');
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
