package io.clustertop.console.json;

import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.names.EndpointNames;
import io.clustertop.console.names.HostNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.proto.v1.RelayStatus;
import io.clustertop.proto.v1.ShardStatus;
import java.time.Instant;

/**
 * Writes a snapshot as one JSON object on one line, for scripts: the schema is in the module's
 * README ("JSON output"). Figures are raw, not iftop's rounded text: bytes and packets as
 * integers, rates per second with at most three decimals, an unknown peak as {@code null}.
 *
 * <p>Thread-safe if the namers are.
 */
public final class JsonRenderer {
  private static final String OTHER_LABEL = "(other)";

  private final EndpointNames names;

  public JsonRenderer(HostNamer hosts, ServiceNamer services) {
    this.names = new EndpointNames(hosts, services);
  }

  /** The snapshot as one line of JSON, without the line break. */
  public String render(Snapshot snapshot) {
    return render(snapshot, null);
  }

  /**
   * The snapshot with its cost (a collector's view): a "cost" member in each row, in "other" and at
   * the top, and the "currency"; without cost (null) exactly {@link #render(Snapshot)}.
   */
  public String render(Snapshot snapshot, ViewCost cost) {
    return render(snapshot, cost, null);
  }

  /**
   * With a relay's status (a relay's view): a "relay" member, its shards and how exact the rows are;
   * without (null) exactly {@link #render(Snapshot, ViewCost)}.
   */
  public String render(Snapshot snapshot, ViewCost cost, RelayStatus relay) {
    JsonWriter json = new JsonWriter().beginObject();
    json.name("time").value(Instant.ofEpochMilli(snapshot.timeMillis()).toString());
    json.name("source").value(snapshot.source());
    json.name("rows").beginArray();
    for (int i = 0; i < snapshot.rows().size(); i++) {
      Row row = snapshot.rows().get(i);
      row(json, row, names.label(row, row.left()), names.label(row, row.right()), cost == null ? null : cost.rows().get(i));
    }
    json.endArray();
    json.name("other");
    if (snapshot.other() == null) {
      json.nullValue();
    } else {
      row(json, snapshot.other(), OTHER_LABEL, OTHER_LABEL, cost == null ? null : cost.other());
    }
    if (cost != null) {
      json.name("currency").value(cost.currency());
      cost(json.name("cost"), cost.total());
    }
    totals(json.name("totals"), snapshot.totals());
    capture(json.name("capture"), snapshot.counters());
    json.name("conversations").value(snapshot.conversations());
    json.name("nodes").beginArray();
    for (NodeState node : snapshot.nodes()) {
      node(json, node);
    }
    json.endArray();
    if (relay != null) {
      relay(json.name("relay"), relay);
    }
    return json.endObject().toString();
  }

  private static void relay(JsonWriter json, RelayStatus relay) {
    json.beginObject();
    json.name("shards").beginArray();
    for (ShardStatus s : relay.getShardsList()) {
      json.beginObject();
      json.name("address").value(s.getAddress());
      json.name("answering").value(s.getAnswering());
      json.name("problem");
      if (s.getProblem().isEmpty()) {
        json.nullValue();
      } else {
        json.value(s.getProblem());
      }
      json.name("cut").value(s.getCut());
      json.endObject();
    }
    json.endArray();
    json.name("shard_limit").value(relay.getShardLimit());
    json.name("exact").value(relay.getExact());
    json.name("bound_bytes_per_second");
    if (relay.getExact()) {
      json.nullValue();
    } else {
      json.value(relay.getBoundBytesPerSecond());
    }
    json.endObject();
  }

  private static void node(JsonWriter json, NodeState node) {
    json.beginObject();
    json.name("node").value(node.node());
    json.name("zone").value(node.zone());
    json.name("agent_id").value(node.agentId());
    json.name("epoch").value(node.epoch());
    json.name("last_batch").value(Instant.EPOCH.plusNanos(node.lastBatchUnixNanos()).toString());
    json.name("stale").value(node.stale());
    json.name("restarted").value(node.restarted());
    json.name("gap_seconds").value(node.gapSeconds());
    json.name("state").value(node.state());
    capture(json.name("capture"), node.counters());
    json.endObject();
  }

  private static void cost(JsonWriter json, ViewCost.Line line) {
    json.beginObject();
    json.name("label").value(line.label());
    json.name("so_far").value(line.soFar());
    json.name("per_hour_10s").value(line.perHour10s());
    json.name("per_hour_40s").value(line.perHour40s());
    json.endObject();
  }

  private static void row(JsonWriter json, Row row, String source, String destination, ViewCost.Line cost) {
    json.beginObject();
    json.name("src").value(source);
    json.name("dst").value(destination);
    json.name("src_addr").value(address(row.left()));
    json.name("dst_addr").value(address(row.right()));
    json.name("src_port").value(port(row.left()));
    json.name("dst_port").value(port(row.right()));
    json.name("src_node").value(node(row.left()));
    json.name("dst_node").value(node(row.right()));
    json.name("nodes").beginArray();
    for (String node : row.nodes()) {
      json.value(node);
    }
    json.endArray();
    json.name("protocol").value(row.protocol() < 0 ? null : row.protocol());
    json.name("conversations").value(row.conversations());
    json.name("sent_bytes").value(row.sent().bytes());
    json.name("recv_bytes").value(row.received().bytes());
    json.name("sent_packets").value(row.sent().packets());
    json.name("recv_packets").value(row.received().packets());
    json.name("rates").beginObject();
    rates(json.name("sent"), row.sent().bytesPerSecond());
    rates(json.name("recv"), row.received().bytesPerSecond());
    json.endObject();
    json.name("packet_rates").beginObject();
    rates(json.name("sent"), row.sent().packetsPerSecond());
    rates(json.name("recv"), row.received().packetsPerSecond());
    json.endObject();
    json.name("peak").beginObject();
    json.name("sent").value(row.sent().peakBytesPerSecond());
    json.name("recv").value(row.received().peakBytesPerSecond());
    json.endObject();
    if (cost != null) {
      cost(json.name("cost"), cost);
    }
    json.endObject();
  }

  private static void totals(JsonWriter json, Totals totals) {
    json.beginObject();
    json.name("sent_bytes").value(totals.sent().bytes());
    json.name("recv_bytes").value(totals.received().bytes());
    json.name("sent_packets").value(totals.sent().packets());
    json.name("recv_packets").value(totals.received().packets());
    json.name("rates").beginObject();
    rates(json.name("sent"), totals.sent().bytesPerSecond());
    rates(json.name("recv"), totals.received().bytesPerSecond());
    rates(json.name("total"), totals.totalBytesPerSecond());
    json.endObject();
    json.name("packet_rates").beginObject();
    rates(json.name("sent"), totals.sent().packetsPerSecond());
    rates(json.name("recv"), totals.received().packetsPerSecond());
    rates(json.name("total"), totals.sent().packetsPerSecond().plus(totals.received().packetsPerSecond()));
    json.endObject();
    json.name("peak").beginObject();
    json.name("sent").value(totals.sent().peakBytesPerSecond());
    json.name("recv").value(totals.received().peakBytesPerSecond());
    json.name("total").value(totals.peakTotalBytesPerSecond());
    json.endObject();
    json.endObject();
  }

  private static void rates(JsonWriter json, Rates rates) {
    json.beginObject();
    json.name("2s").value(rates.last2s());
    json.name("10s").value(rates.last10s());
    json.name("40s").value(rates.last40s());
    json.endObject();
  }

  private static void capture(JsonWriter json, CaptureCounters c) {
    json.beginObject();
    json.name("received").value(c.received());
    json.name("dropped_kernel").value(c.droppedByKernel());
    json.name("dropped_interface").value(c.droppedByInterface());
    json.name("decoded").value(c.decoded());
    json.name("rejected").value(c.rejected());
    json.name("rejected_truncated").value(c.rejectedTruncated());
    json.name("rejected_malformed").value(c.rejectedMalformed());
    json.name("rejected_unsupported_link").value(c.rejectedUnsupportedLink());
    json.name("rejected_not_ip").value(c.rejectedNotIp());
    json.name("ignored").value(c.ignored());
    json.name("overflow_packets").value(c.overflowPackets());
    json.name("folded_conversations").value(c.foldedConversations());
    json.endObject();
  }

  private static String address(Endpoint endpoint) {
    return endpoint.hasHost() ? endpoint.host().toString() : null;
  }

  private static String node(Endpoint endpoint) {
    return endpoint.hasNode() ? endpoint.node() : null;
  }

  private static Integer port(Endpoint endpoint) {
    return endpoint.hasPort() ? endpoint.port() : null;
  }
}
