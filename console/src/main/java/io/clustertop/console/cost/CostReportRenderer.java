package io.clustertop.console.cost;

import io.clustertop.console.json.JsonWriter;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A cost report from the collector's history as a table, CSV or one JSON object. Bytes are exact
 * integers and costs exact decimals as the collector summed them, so a script can check them.
 */
public final class CostReportRenderer {
  private CostReportRenderer() {}

  /** Aligned columns, the total last. */
  public static String table(CostReport report, String keyName) {
    List<String[]> cells = new ArrayList<>();
    cells.add(new String[] {keyName.toUpperCase(Locale.ROOT), "EGRESS B", "INGRESS B", "INTERNAL B",
        "COST " + report.getCurrency()});
    for (CostLine l : withTotal(report)) {
      cells.add(new String[] {l.getKey(), Long.toString(l.getEgressBytes()), Long.toString(l.getIngressBytes()),
          Long.toString(l.getInternalBytes()), l.getCost()});
    }
    int[] width = new int[cells.getFirst().length];
    for (String[] row : cells) {
      for (int i = 0; i < row.length; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] row : cells) {
      sb.append(row[0]).append(" ".repeat(width[0] - row[0].length()));
      for (int i = 1; i < row.length; i++) {
        sb.append("  ").append(" ".repeat(width[i] - row[i].length())).append(row[i]);
      }
      sb.append('\n');
    }
    if (report.getFirstMinuteUnixNanos() == 0) {
      sb.append("(no minutes in the history for this span)\n");
    }
    return sb.toString();
  }

  /** A header line, one line per group, then "total". */
  public static String csv(CostReport report, String keyName) {
    StringBuilder sb = new StringBuilder(keyName + ",egress_bytes,ingress_bytes,internal_bytes,bytes,cost,currency\n");
    for (CostLine l : withTotal(report)) {
      sb.append(csvField(l.getKey())).append(',').append(l.getEgressBytes()).append(',').append(l.getIngressBytes())
          .append(',').append(l.getInternalBytes()).append(',').append(bytes(l)).append(',').append(l.getCost())
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
    return w.endObject().toString() + "\n";
  }

  private static void line(JsonWriter w, CostLine l) {
    w.beginObject().name("key").value(l.getKey())
        .name("egress_bytes").value(l.getEgressBytes())
        .name("ingress_bytes").value(l.getIngressBytes())
        .name("internal_bytes").value(l.getInternalBytes())
        .name("bytes").value(bytes(l))
        .name("cost").value(l.getCost())
        .endObject();
  }

  private static List<CostLine> withTotal(CostReport report) {
    List<CostLine> lines = new ArrayList<>(report.getLinesList());
    lines.add(report.getTotal());
    return lines;
  }

  private static long bytes(CostLine l) {
    return l.getEgressBytes() + l.getIngressBytes() + l.getInternalBytes();
  }

  private static String csvField(String field) {
    return field.contains(",") || field.contains("\"") ? "\"" + field.replace("\"", "\"\"") + "\"" : field;
  }

  private static String time(long unixNanos) {
    return unixNanos == 0 ? null : Instant.ofEpochSecond(0, unixNanos).toString();
  }
}
