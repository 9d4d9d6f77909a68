package io.clustertop.collector.metrics;

import io.clustertop.collector.cost.CostLedger;
import io.clustertop.collector.cost.LedgerKey;
import io.clustertop.collector.history.HistoryMetrics;
import io.clustertop.collector.merge.EpochFigures;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.ClusterFigures;
import io.clustertop.collector.merge.RefusedAgents;
import io.clustertop.collector.placement.Placer;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.kubernetes.MetadataStatus;
import io.clustertop.kubernetes.ResourceState;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.rows.Grouping;
import io.clustertop.core.table.ConversationStore;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.cost.CostConfig;
import java.util.Comparator;
import java.util.List;
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
      header(out, "clustertop_node_sent_bytes_total", "counter", "IP bytes the node sent, as its agent counted them.");
      header(out, "clustertop_node_received_bytes_total", "counter", "IP bytes the node received.");
      header(out, "clustertop_node_sent_packets_total", "counter", "IP packets the node sent.");
      header(out, "clustertop_node_received_packets_total", "counter", "IP packets the node received.");
      header(out, "clustertop_node_capture_dropped_total", "counter",
          "Packets the node's capture lost: where=kernel (ring full) or interface.");
      header(out, "clustertop_node_gap_seconds_total", "counter",
          "Seconds of the node's traffic its agent could not deliver (its buffer overflowed): unknown, not zero.");
      c.forEachAgent(a -> {
        Volume totals = Volume.ZERO;
        for (EpochFigures e : a.epochs()) {
          totals = totals.plus(e.conversations().aggregate(ConversationStore.TOTALS));
        }
        String node = "node=\"" + escape(a.node()) + "\"";
        sample(out, "clustertop_node_sent_bytes_total", node, totals.sentBytes());
        sample(out, "clustertop_node_received_bytes_total", node, totals.receivedBytes());
        sample(out, "clustertop_node_sent_packets_total", node, totals.sentPackets());
        sample(out, "clustertop_node_received_packets_total", node, totals.receivedPackets());
        CaptureCounters counters = a.counters();
        sample(out, "clustertop_node_capture_dropped_total", node + ",where=\"kernel\"", counters.droppedByKernel());
        sample(out, "clustertop_node_capture_dropped_total", node + ",where=\"interface\"",
            counters.droppedByInterface());
        out.append("clustertop_node_gap_seconds_total{").append(node).append("} ")
            .append(String.format(Locale.ROOT, "%.3f", a.gapSeconds())).append('\n');
      });
      costs(out, cluster, c, cost);
      return null;
    });
    metric(out, "clustertop_agents_connected", "gauge",
        "Agents with an ingest stream open.", cluster.connectedAgents());
    metric(out, "clustertop_agents", "gauge", "Agents the collector holds figures of.", cluster.agentCount());
    refused(out, cluster.refusedAgents().current(cluster.nowNanos()));
    metric(out, "clustertop_ingest_batches_applied_total", "counter",
        "Batches counted.", metrics.batchesApplied());
    metric(out, "clustertop_ingest_batches_deduplicated_total", "counter",
        "Batches received again (replays, duplicates): acknowledged, not counted.", metrics.batchesDeduplicated());
    metric(out, "clustertop_ingest_full_states_total", "counter",
        "Full states applied.", metrics.fullStatesApplied());
    metric(out, "clustertop_ingest_full_states_not_needed_total", "counter",
        "Full states acknowledged and not applied: every batch they hold was applied already (on Kafka, an agent"
            + " publishes one every period).", metrics.fullStatesNotNeeded());
    header(out, "clustertop_ingest_rejected_total", "counter",
        "Messages refused, by reason; too_many_agents counts agents turned away by --max-agents, too_large messages"
            + " past --max-message-bytes, beyond_link_rate flows past --max-link-rate, too_many_hellos Hellos past"
            + " --max-hellos-per-minute, too_many_flows batches past --max-flows-per-batch.");
    for (InputProblem p : InputProblem.values()) {
      sample(out, "clustertop_ingest_rejected_total", "reason=\"" + p.name().toLowerCase(Locale.ROOT) + "\"",
          metrics.rejectedCount(p));
    }
    metric(out, "clustertop_ingest_held_batches_dropped_total", "counter",
        "Batches held after a missing one, dropped when their stream ended (the agent sends them again).",
        metrics.heldBatchesDropped());
    metric(out, "clustertop_watch_snapshots_dropped_total", "counter",
        "Snapshots replaced by a newer one before a slow subscriber could take them.", metrics.snapshotsDropped());
    metric(out, "clustertop_conversations", "gauge",
        "Conversations held, every agent and epoch.", cluster.conversations());
    metric(out, "clustertop_conversations_folded_total", "counter",
        "Conversations folded into \"other\" past --max-conversations-per-agent or --max-conversations (totals kept).",
        metrics.conversationsFolded());
    metric(out, "clustertop_conversations_rate_folded_total", "counter",
        "Flows of new conversations past --max-new-conversations-per-second, counted into their agent's \"other\" (totals kept).",
        metrics.newConversationsFolded());
    metric(out, "clustertop_watch_refused_total", "counter",
        "Watch calls refused past --max-subscribers or --max-subscribers-per-console.", metrics.watchesRefused());
    metric(out, "clustertop_watch_closed_unread_total", "counter",
        "Watch streams closed because they took no snapshot for --watch-unread-publications publications.",
        metrics.watchesClosedUnread());
    metric(out, "clustertop_agents_departed_total", "counter",
        "Agents dropped: gone longer than --agent-expiry, or retired by a new agent of their node (figures kept).",
        metrics.agentsDeparted());
    metric(out, "clustertop_watch_views_rebuilt_total", "counter",
        "Times every view was built again because who the agents are changed.", metrics.viewRebuilds());
    timers(out, "clustertop_watch_view_build_seconds",
        "Time to build a view for its first subscriber, from every conversation in its scope.", metrics::viewBuilds);
    timers(out, "clustertop_watch_frame_build_seconds",
        "Time to read a view into a frame, once per view and publication (and per new subscriber).",
        metrics::frameBuilds);
    timers(out, "clustertop_watch_cut_seconds",
        "Time to cut one subscriber's snapshot from a frame: filter, order, top rows, \"other\", message.",
        metrics::cuts);
    if (history != null) {
      history(out, history);
    }
    placements(out, cluster.placer());
    return out.toString();
  }

  /** Agents turned away for their clock or the addresses they announce, and how far each clock is off. */
  private static void refused(StringBuilder out, List<RefusedAgents.Entry> refused) {
    metric(out, "clustertop_agents_clock_off", "gauge",
        "Agents whose batches are refused because their clock is too far from the collector's.",
        refused.stream().filter(e -> e.why() == RefusedAgents.Why.CLOCK_OFF).count());
    metric(out, "clustertop_agents_address_refused", "gauge",
        "Agents refused for addresses they may not announce (their certificate's, the cluster networks).",
        refused.stream().filter(e -> e.why() == RefusedAgents.Why.ADDRESS_CLAIM).count());
    header(out, "clustertop_agent_clock_offset_seconds", "gauge",
        "How far a refused agent's clock is from the collector's, ahead when positive.");
    for (RefusedAgents.Entry e : refused) {
      if (e.why() == RefusedAgents.Why.CLOCK_OFF) {
        out.append("clustertop_agent_clock_offset_seconds{node=\"").append(escape(e.identity().node()))
            .append("\",agent=\"").append(e.identity().agentId().hex()).append("\"} ")
            .append(String.format(Locale.ROOT, "%.3f", e.clockOffsetNanos() / 1e9)).append('\n');
      }
    }
  }

  /** Who conversations' local ends are: the placements' bound, and with Kubernetes read, the watcher's state. */
  private static void placements(StringBuilder out, Placer placer) {
    metric(out, "clustertop_placements", "gauge",
        "Distinct placements of conversations (process, container, pod...) tracked.", placer.placements().size());
    metric(out, "clustertop_placements_refused_total", "counter",
        "Placements and processes not tracked at --max-placements (their conversations are \"(untracked)\").",
        placer.refused());
    ClusterMetadata metadata = placer.metadata();
    if (metadata == null) {
      return;
    }
    MetadataStatus s = metadata.status();
    header(out, "clustertop_kubernetes_synced", "gauge", "1 once the kind's first list was read.");
    header(out, "clustertop_kubernetes_watching", "gauge", "1 while the kind's watch is open.");
    header(out, "clustertop_kubernetes_watch_losses_total", "counter", "Watches of the kind seen closed after they were open.");
    header(out, "clustertop_kubernetes_relists_total", "counter",
        "Lists of the kind read again (after an expired watch, 410 Gone, or an error).");
    for (ResourceState r : s.resources()) {
      String kind = "resource=\"" + escape(r.resource()) + "\"";
      sample(out, "clustertop_kubernetes_synced", kind, r.synced() ? 1 : 0);
      sample(out, "clustertop_kubernetes_watching", kind, r.watching() ? 1 : 0);
      sample(out, "clustertop_kubernetes_watch_losses_total", kind, r.watchLosses());
      sample(out, "clustertop_kubernetes_relists_total", kind, r.relists());
    }
    metric(out, "clustertop_kubernetes_api_errors_total", "counter",
        "Failed lists and watches of the API (each retried).", s.apiErrors());
    header(out, "clustertop_kubernetes_last_error_info", "gauge", "The last API error, as a label (1 while there is one).");
    if (!s.lastError().isEmpty()) {
      sample(out, "clustertop_kubernetes_last_error_info", "error=\"" + escape(s.lastError()) + "\"", 1);
    }
    header(out, "clustertop_kubernetes_objects", "gauge", "What the collector holds of the API: by kind.");
    sample(out, "clustertop_kubernetes_objects", "kind=\"pods\"", s.pods());
    sample(out, "clustertop_kubernetes_objects", "kind=\"pod_addresses\"", s.podAddresses());
    sample(out, "clustertop_kubernetes_objects", "kind=\"service_addresses\"", s.serviceAddresses());
    sample(out, "clustertop_kubernetes_objects", "kind=\"containers\"", s.containers());
    sample(out, "clustertop_kubernetes_objects", "kind=\"nodes\"", s.nodes());
    header(out, "clustertop_kubernetes_refused_total", "counter",
        "What the bounds left out: old holders of an address, addresses and containers not tracked.");
    sample(out, "clustertop_kubernetes_refused_total", "what=\"spans\"", s.spansDropped());
    sample(out, "clustertop_kubernetes_refused_total", "what=\"addresses\"", s.addressesRefused());
    sample(out, "clustertop_kubernetes_refused_total", "what=\"containers\"", s.containersRefused());
  }

  /**
   * Per node, class and direction, each byte once: the bytes and their cost. Counters, though they
   * can step back where a conversation is later folded into "other" or a node becomes known (its
   * traffic is then its own agent's to count); they restart with the collector, as counters do.
   */
  private static void costs(StringBuilder out, MergeStore cluster, ClusterFigures c, CostConfig cost) {
    header(out, "clustertop_cost_bytes_total", "counter",
        "IP bytes by node, destination class and direction (egress, ingress, internal: node to node), each byte once.");
    StringBuilder money = new StringBuilder();
    header(money, "clustertop_cost_total", "counter",
        "What those bytes cost at the configured prices, in the currency label.");
    String currency = "currency=\"" + escape(cost.prices().currency()) + "\"";
    c.forEachAgent(a -> {
      Map<LedgerKey, Long> byClass = new TreeMap<>(Comparator.comparing(LedgerKey::costClass)
          .thenComparing(LedgerKey::direction));
      byClass.putAll(CostLedger.byClass(a.epochs(), cluster));
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
    metric(out, "clustertop_history_writes_total", "counter",
        "Minutes of cost history written.", history.flushes());
    metric(out, "clustertop_history_write_failures_total", "counter",
        "Failed writes; their bytes go with the next write.", history.flushFailures());
    metric(out, "clustertop_history_rows_written_total", "counter", "Rollup rows written.", history.rowsWritten());
    metric(out, "clustertop_history_lines_folded_total", "counter",
        "Remote addresses or services folded into \"other\" by --history-top-remotes.", history.linesFolded());
    header(out, "clustertop_history_rows_deleted_total", "counter",
        "Rollup rows deleted: reason=retention (--history-retention) or size (--history-max-bytes).");
    sample(out, "clustertop_history_rows_deleted_total", "reason=\"retention\"", history.rowsExpired());
    sample(out, "clustertop_history_rows_deleted_total", "reason=\"size\"", history.rowsEvicted());
    metric(out, "clustertop_history_file_bytes", "gauge",
        "The history file's size, after the latest write.", history.fileBytes());
  }

  private static void timers(StringBuilder out, String name, String help,
      java.util.function.BiFunction<Grouping, Boolean, CollectorMetrics.Timer> timer) {
    header(out, name, "summary", help + " By grouping, and scope: the cluster's views, or nodes' own.");
    for (Grouping g : Grouping.values()) {
      for (boolean cluster : new boolean[] {true, false}) {
        String labels = "grouping=\"" + g.name().toLowerCase(Locale.ROOT) + "\",scope=\"" + (cluster ? "cluster" : "node")
            + "\"";
        CollectorMetrics.Timer t = timer.apply(g, cluster);
        out.append(name).append("_sum{").append(labels).append("} ").append(t.nanos() / 1e9).append('\n');
        sample(out, name + "_count", labels, t.count());
      }
    }
  }

  /** A metric of one sample without labels. */
  private static void metric(StringBuilder out, String name, String type, String help, long value) {
    header(out, name, type, help);
    sample(out, name, "", value);
  }

  /** The HELP and TYPE lines of a metric (the Prometheus text format), for every section of /metrics. */
  public static void header(StringBuilder out, String name, String type, String help) {
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
