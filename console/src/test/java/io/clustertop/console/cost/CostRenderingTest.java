package io.clustertop.console.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clustertop.proto.v1.Cost;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cost a collector snapshot carries, as text; the history report as a table, CSV and JSON. */
class CostRenderingTest {
  private static final ViewSnapshot CLASSES = ViewSnapshot.newBuilder()
      .addRows(Row.newBuilder().setDestinationClass("internet")
          .setCost(Cost.newBuilder().setSoFar("0.00000027").setPerHour10S(0.486).setPerHour40S(0.1215)))
      .addRows(Row.newBuilder().setDestinationClass("same-zone").setCost(Cost.newBuilder().setSoFar("0")))
      .setCurrency("USD").setCost(Cost.newBuilder().setSoFar("0.00000027").setPerHour10S(0.486).setPerHour40S(0.1215))
      .build();

  @Test
  void aSnapshotWithoutCurrencyHasNoCost() {
    assertNull(ViewCost.of(ViewSnapshot.getDefaultInstance()));
  }

  @Test
  void costLinesLabelEachRowAndEndWithTheTotal() {
    ViewCost cost = ViewCost.of(CLASSES);
    assertEquals(List.of("internet", "same-zone"), cost.rows().stream().map(ViewCost.Line::label).toList());
    assertEquals("""
        Cost (USD)    per hour 10s    per hour 40s  so far
        internet          0.486000        0.121500  0.00000027
        same-zone         0.000000        0.000000  0
        total             0.486000        0.121500  0.00000027
        """, CostText.render(cost));
  }

  /** A console that filters or reorders the rows (the screen) keeps each row's own cost, and the totals. */
  @Test
  void chosenRowsKeepTheirCost() {
    ViewCost cost = ViewCost.of(CLASSES).rows(List.of(1, 0));
    assertEquals(List.of("same-zone", "internet"), cost.rows().stream().map(ViewCost.Line::label).toList());
    assertEquals(List.of("0", "0.00000027"), cost.rows().stream().map(ViewCost.Line::soFar).toList());
    assertEquals("0.00000027", cost.total().soFar());
    assertEquals(List.of(), ViewCost.of(CLASSES).rows(List.of()).rows());
  }

  private static final CostReport REPORT = CostReport.newBuilder().setCurrency("EUR")
      .setFirstMinuteUnixNanos(1_700_000_040_000_000_000L).setLastMinuteUnixNanos(1_700_000_100_000_000_000L)
      .addLines(CostLine.newBuilder().setKey("n1").setEgressBytes(3000).setIngressBytes(500).setCost("0.00000027"))
      .addLines(CostLine.newBuilder().setKey("a,b").setInternalBytes(1000).setCost("0.00000002"))
      .setTotal(CostLine.newBuilder().setKey("total").setEgressBytes(3000).setIngressBytes(500).setInternalBytes(1000)
          .setCost("0.00000029"))
      .build();

  @Test
  void reportAsTableCsvAndJson() {
    assertEquals("""
        NODE   EGRESS B  INGRESS B  INTERNAL B    COST EUR
        n1         3000        500           0  0.00000027
        a,b           0          0        1000  0.00000002
        total      3000        500        1000  0.00000029
        """, CostReportRenderer.table(REPORT, "node"));
    assertEquals("""
        node,egress_bytes,ingress_bytes,internal_bytes,bytes,cost,currency
        n1,3000,500,0,3500,0.00000027,EUR
        "a,b",0,0,1000,1000,0.00000002,EUR
        total,3000,500,1000,4500,0.00000029,EUR
        """, CostReportRenderer.csv(REPORT, "node"));
    assertEquals("{\"currency\":\"EUR\",\"by\":\"node\",\"first_minute\":\"2023-11-14T22:14:00Z\","
        + "\"last_minute\":\"2023-11-14T22:15:00Z\",\"lines\":["
        + "{\"key\":\"n1\",\"egress_bytes\":3000,\"ingress_bytes\":500,\"internal_bytes\":0,\"bytes\":3500,\"cost\":\"0.00000027\"},"
        + "{\"key\":\"a,b\",\"egress_bytes\":0,\"ingress_bytes\":0,\"internal_bytes\":1000,\"bytes\":1000,\"cost\":\"0.00000002\"}],"
        + "\"total\":{\"key\":\"total\",\"egress_bytes\":3000,\"ingress_bytes\":500,\"internal_bytes\":1000,\"bytes\":4500,"
        + "\"cost\":\"0.00000029\"}}\n", CostReportRenderer.json(REPORT, "node"));
  }
}
