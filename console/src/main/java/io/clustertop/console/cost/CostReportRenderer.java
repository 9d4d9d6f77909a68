package io.clustertop.console.cost;

import io.clustertop.console.json.JsonWriter;
import io.clustertop.core.cost.PriceList;
import io.clustertop.core.units.Units;
import io.clustertop.proto.v1.CostDirection;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.PricedBytes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cost report from the collector's history as a table, CSV or one JSON object.
 *
 * <p>The table names its byte columns for what is charged: bytes a node sent out of the nodes
 * (the class's egress price), bytes it received from outside them (the ingress price), and bytes
 * between two nodes, counted once (the egress and the ingress price), and says so under the table;
 * then each price with the bytes it was charged on. Bytes are in iftop's units ({@code -B}:
 * {@code 48.0MB}, core's {@link Units}), or exact with {@code exact}. CSV and JSON keep exact
 * integers, and costs are always the exact decimals the collector summed, so a script can check them.
 */
public final class CostReportRenderer {
  private static final String[] MEANINGS = {
    "sent out: from a node to outside the nodes, charged the class's egress price",
    "received in: to a node from outside the nodes, charged the class's ingress price",
    "between nodes: from one node to another, counted once, charged the class's egress and ingress price",
  };

  private CostReportRenderer() {}

  /**
   * The groups and the total, what the byte columns mean, then the prices and the bytes each was
   * charged on.
   *
   * @param exact bytes as integers rather than in iftop's units
   */
  public static String table(CostReport report, String keyName, boolean exact) {
    String currency = report.getCurrency();
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {keyName.toUpperCase(Locale.ROOT), "SENT OUT", "RECEIVED IN", "BETWEEN NODES",
        "COST " + currency});
    for (CostLine l : withTotal(report)) {
      cells.add(new String[] {l.getKey(), bytes(l.getEgressBytes(), exact), bytes(l.getIngressBytes(), exact),
          bytes(l.getInternalBytes(), exact), l.getCost()});
    }
    StringBuilder sb = new StringBuilder();
    columns(sb, cells, 1);
    if (report.getFirstMinuteUnixNanos() == 0) {
      sb.append("(no minutes in the history for this span)\n");
    }
    sb.append('\n');
    for (String meaning : MEANINGS) {
      sb.append(meaning).append('\n');
    }
    if (report.getPricesCount() > 0) {
      List<String[]> prices = new ArrayList<>();
      prices.add(new String[] {"CLASS", "CHARGED ON", "PRICE " + currency, "BYTES", "COST " + currency});
      for (PricedBytes p : report.getPricesList()) {
        prices.add(new String[] {p.getDestinationClass(), chargedOn(p.getDirection()),
            p.getPricePerUnit() + "/" + PriceList.unitName(p.getUnitBytes()), bytes(p.getBytes(), exact), p.getCost()});
      }
      sb.append('\n');
      columns(sb, prices, 2);
    }
    return sb.toString();
  }

  /** The words the table uses for a direction, as its columns and their meanings say it. */
  private static String chargedOn(CostDirection direction) {
    return switch (direction) {
      case COST_EGRESS -> "sent out";
      case COST_INGRESS -> "received in";
      case COST_INTERNAL -> "between nodes";
      default -> direction.toString();
    };
  }

  private static String bytes(long bytes, boolean exact) {
    return exact ? Long.toString(bytes) : Units.bytes(bytes).strip();
  }

  /** Aligned columns two spaces apart: the first {@code leftAligned} to the left, the figures to the right. */
  private static void columns(StringBuilder sb, List<String[]> cells, int leftAligned) {
    int[] width = new int[cells.getFirst().length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    for (String[] row : cells) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        String pad = " ".repeat(width[i] - row[i].length());
        line.append(i == 0 ? "" : "  ").append(i < leftAligned ? row[i] + pad : pad + row[i]);
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
  }

  /** A header line, one line per group, then "total". */
  public static String csv(CostReport report, String keyName) {
    StringBuilder sb = new StringBuilder(keyName + ",egress_bytes,ingress_bytes,internal_bytes,bytes,cost,currency\n");
    for (CostLine l : withTotal(report)) {
      sb.append(csvField(l.getKey())).append(',').append(l.getEgressBytes()).append(',').append(l.getIngressBytes())
          .append(',').append(l.getInternalBytes()).append(',').append(sum(l)).append(',').append(l.getCost())
          .append(',').append(report.getCurrency()).append('\n');
    }
    return sb.toString();
  }

  /** One object: currency, grouping, the minutes found, the lines and the total; costs as strings. */
  public static String json(CostReport report, String keyName) {
    JsonWriter w = new JsonWriter().beginObject()
        .name("currency").value(report.getCurrency())
        .name("by").value(keyName)
        .name("first_minute").value(time(report.getFirstMinuteUnixNanos()))
        .name("last_minute").value(time(report.getLastMinuteUnixNanos()))
        .name("lines").beginArray();
    for (CostLine l : report.getLinesList()) {
      line(w, l);
    }
    w.endArray().name("total");
    line(w, report.getTotal());
    w.name("prices").beginArray();
    for (PricedBytes p : report.getPricesList()) {
      w.beginObject().name("class").value(p.getDestinationClass())
          .name("direction").value(direction(p.getDirection()))
          .name("price").value(p.getPricePerUnit())
          .name("unit_bytes").value(p.getUnitBytes())
          .name("bytes").value(p.getBytes())
          .name("cost").value(p.getCost())
          .endObject();
    }
    return w.endArray().endObject().toString() + "\n";
  }

  private static void line(JsonWriter w, CostLine l) {
    w.beginObject().name("key").value(l.getKey())
        .name("egress_bytes").value(l.getEgressBytes())
        .name("ingress_bytes").value(l.getIngressBytes())
        .name("internal_bytes").value(l.getInternalBytes())
        .name("bytes").value(sum(l))
        .name("cost").value(l.getCost())
        .endObject();
  }

  /** As the byte fields of a line name it: egress, ingress, internal. */
  private static String direction(CostDirection direction) {
    return switch (direction) {
      case COST_EGRESS -> "egress";
      case COST_INGRESS -> "ingress";
      case COST_INTERNAL -> "internal";
      default -> null;
    };
  }

  private static List<CostLine> withTotal(CostReport report) {
    List<CostLine> lines = new ArrayList<>(report.getLinesList());
    lines.add(report.getTotal());
    return lines;
  }

  private static long sum(CostLine l) {
    return l.getEgressBytes() + l.getIngressBytes() + l.getInternalBytes();
  }

  private static String csvField(String field) {
    return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }

  private static String time(long unixNanos) {
    return unixNanos == 0 ? null : Instant.ofEpochSecond(0, unixNanos).toString();
  }
}
