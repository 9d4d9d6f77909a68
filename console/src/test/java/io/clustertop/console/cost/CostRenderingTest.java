package io.clustertop.console.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.proto.v1.Cost;
import io.clustertop.proto.v1.CostDirection;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.PricedBytes;
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

  /** Cross-zone traffic between two nodes and some internet traffic, by class, in USD per GB. */
  private static final CostReport BY_CLASS = CostReport.newBuilder().setCurrency("USD")
      .setFirstMinuteUnixNanos(1_700_000_040_000_000_000L).setLastMinuteUnixNanos(1_700_000_100_000_000_000L)
      .addLines(CostLine.newBuilder().setKey("cross-zone").setInternalBytes(50_297_025).setCost("0.0010059405"))
      .addLines(CostLine.newBuilder().setKey("internet").setEgressBytes(3_000_000).setIngressBytes(500)
          .setCost("0.00027"))
      .setTotal(CostLine.newBuilder().setKey("total").setEgressBytes(3_000_000).setIngressBytes(500)
          .setInternalBytes(50_297_025).setCost("0.0012759405"))
      .addPrices(priced("cross-zone", CostDirection.COST_INTERNAL, "0.02", 50_297_025, "0.0010059405"))
      .addPrices(priced("internet", CostDirection.COST_EGRESS, "0.09", 3_000_000, "0.00027"))
      .addPrices(priced("internet", CostDirection.COST_INGRESS, "0", 500, "0"))
      .build();

  private static PricedBytes priced(String costClass, CostDirection direction, String price, long bytes, String cost) {
    return PricedBytes.newBuilder().setDestinationClass(costClass).setDirection(direction).setPricePerUnit(price)
        .setUnitBytes(1_000_000_000L).setBytes(bytes).setCost(cost).build();
  }

  /**
   * The byte columns say what is charged and in iftop's units; under them, what each column is
   * charged, then which bytes each price was charged on: the cross-zone bytes between two nodes at
   * 0.02 (egress and ingress), not "internal bytes" beside a price that seems not to apply.
   */
  @Test
  void tableNamesWhatIsChargedAndWhichBytesEachPriceAppliesTo() {
    assertEquals("""
        CLASS       SENT OUT  RECEIVED IN  BETWEEN NODES      COST USD
        cross-zone        0B           0B         48.0MB  0.0010059405
        internet      2.86MB         500B             0B       0.00027
        total         2.86MB         500B         48.0MB  0.0012759405

        sent out: from a node to outside the nodes, charged the class's egress price
        received in: to a node from outside the nodes, charged the class's ingress price
        between nodes: from one node to another, counted once, charged the class's egress and ingress price

        CLASS       CHARGED ON     PRICE USD   BYTES      COST USD
        cross-zone  between nodes    0.02/GB  48.0MB  0.0010059405
        internet    sent out         0.09/GB  2.86MB       0.00027
        internet    received in         0/GB    500B             0
        """, CostReportRenderer.table(BY_CLASS, "class", false));
    // --exact: the bytes as integers
    String exact = CostReportRenderer.table(BY_CLASS, "class", true);
    assertEquals(List.of(
            "cross-zone         0            0       50297025  0.0010059405",
            "internet     3000000          500              0       0.00027",
            "total        3000000          500       50297025  0.0012759405"),
        exact.lines().skip(1).limit(3).toList());
    assertEquals(List.of(
            "cross-zone  between nodes    0.02/GB  50297025  0.0010059405",
            "internet    sent out         0.09/GB   3000000       0.00027",
            "internet    received in         0/GB       500             0"),
        exact.lines().skip(10).toList());
  }

  private static final CostReport REPORT = CostReport.newBuilder().setCurrency("EUR")
      .setFirstMinuteUnixNanos(1_700_000_040_000_000_000L).setLastMinuteUnixNanos(1_700_000_100_000_000_000L)
      .addLines(CostLine.newBuilder().setKey("n1").setEgressBytes(3000).setIngressBytes(500).setCost("0.00000027"))
      .addLines(CostLine.newBuilder().setKey("a,b").setInternalBytes(1000).setCost("0.00000002"))
      .setTotal(CostLine.newBuilder().setKey("total").setEgressBytes(3000).setIngressBytes(500).setInternalBytes(1000)
          .setCost("0.00000029"))
      .build();

  /** CSV and JSON keep exact integers, named as the protocol names them; JSON has the prices too. */
  @Test
  void reportAsCsvAndJson() {
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
        + "\"cost\":\"0.00000029\"},\"prices\":[]}\n", CostReportRenderer.json(REPORT, "node"));
    assertTrue(CostReportRenderer.json(BY_CLASS, "class").endsWith(",\"prices\":["
        + "{\"class\":\"cross-zone\",\"direction\":\"internal\",\"price\":\"0.02\",\"unit_bytes\":1000000000,"
        + "\"bytes\":50297025,\"cost\":\"0.0010059405\"},"
        + "{\"class\":\"internet\",\"direction\":\"egress\",\"price\":\"0.09\",\"unit_bytes\":1000000000,"
        + "\"bytes\":3000000,\"cost\":\"0.00027\"},"
        + "{\"class\":\"internet\",\"direction\":\"ingress\",\"price\":\"0\",\"unit_bytes\":1000000000,"
        + "\"bytes\":500,\"cost\":\"0\"}]}\n"));
    assertTrue(CostReportRenderer.csv(BY_CLASS, "class").contains("\ncross-zone,0,0,50297025,50297025,0.0010059405,USD\n"));
  }
}
