package io.clustertop.core.view;

import java.util.List;

/**
 * What a display shows at one moment: rows already aggregated, filtered, sorted and cut, the
 * "other" row holding the rest, the interface totals and the capture counters.
 *
 * <p>The sum of every row and "other" equals the totals, bytes and packets, as long as no filter
 * hides rows (a screen filter narrows the rows, never the totals): sent and received each, unless
 * traffic between two other hosts was counted in its rows' sent columns and in the received total
 * (iftop's rule, RATIONALE.md).
 *
 * @param timeMillis the end of the latest completed 2-second slot (wall time, or packet time for a file)
 * @param source what is captured: an interface name or a file
 * @param other everything not in {@code rows}; {@code null} when that is nothing
 * @param conversations conversations the table holds
 * @param nodes in a cluster or per-node view from the collector, the state of each node's agent; empty
 *     for local capture and for an agent's own view
 * @param currency the ISO 4217 code of the costs; "" where there are none (an agent's view)
 * @param cost what everything in the view costs (rows and other), each byte once; null where none
 */
public record Snapshot(
    long timeMillis,
    String source,
    List<Row> rows,
    Row other,
    Totals totals,
    CaptureCounters counters,
    int conversations,
    List<NodeState> nodes,
    String currency,
    Cost cost) {
  public Snapshot(long timeMillis, String source, List<Row> rows, Row other, Totals totals, CaptureCounters counters,
      int conversations, List<NodeState> nodes) {
    this(timeMillis, source, rows, other, totals, counters, conversations, nodes, "", null);
  }

  public Snapshot(long timeMillis, String source, List<Row> rows, Row other, Totals totals, CaptureCounters counters,
      int conversations) {
    this(timeMillis, source, rows, other, totals, counters, conversations, List.of());
  }
}
