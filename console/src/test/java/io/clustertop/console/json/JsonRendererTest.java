package io.clustertop.console.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clustertop.console.names.NumericHostNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonRendererTest {
  private static final IpAddress LOCAL = IpAddress.parse("10.0.0.1");
  private static final IpAddress REMOTE = IpAddress.parse("2001:db8::7");
  private static final CaptureCounters COUNTERS = new CaptureCounters(120, 3, 1, 110, 7, 2, 1, 1, 3, 4, 5, 6);

  private static final Traffic SENT =
      new Traffic(5_000, 40, new Rates(1500, 999.5, 250.0004), new Rates(12.4, 10, 1), 3000.5);
  private static final Traffic RECEIVED =
      new Traffic(2_048, 15, new Rates(0.0005, 1.0 / 3, 0), new Rates(2, 1.5, 0.375), 1024);
  private static final Traffic OTHER_SENT = new Traffic(100, 1, new Rates(50, 10, 2.5), new Rates(0.5, 0.1, 0.025), Double.NaN);

  @Test
  void oneLineWithEveryField() {
    Row row = new Row(new Endpoint(LOCAL, 443), new Endpoint(REMOTE, 51000), 6, SENT, RECEIVED, 2);
    Row other = new Row(new Endpoint(null, Endpoint.NO_PORT), new Endpoint(null, Endpoint.NO_PORT), -1,
        OTHER_SENT, Traffic.ZERO, 3);
    Totals totals = new Totals(
        new Traffic(5_100, 41, new Rates(1550, 1009.5, 252.5004), new Rates(12.9, 10.1, 1.025), 3000.5),
        RECEIVED, Double.POSITIVE_INFINITY);
    Snapshot snapshot = new Snapshot(1_700_000_002_000L, "eth0", List.of(row), other, totals, COUNTERS, 5);

    String json = new JsonRenderer(new NumericHostNamer(), ServiceNamer.numeric()).render(snapshot);

    assertEquals("{\"time\":\"2023-11-14T22:13:22Z\",\"source\":\"eth0\",\"rows\":["
            + "{\"src\":\"10.0.0.1:443\",\"dst\":\"[2001:db8::7]:51000\",\"src_addr\":\"10.0.0.1\",\"dst_addr\":\"2001:db8::7\","
            + "\"src_port\":443,\"dst_port\":51000,\"src_node\":null,\"dst_node\":null,\"nodes\":[],\"protocol\":6,\"conversations\":2,"
            + "\"sent_bytes\":5000,\"recv_bytes\":2048,\"sent_packets\":40,\"recv_packets\":15,"
            + "\"rates\":{\"sent\":{\"2s\":1500,\"10s\":999.5,\"40s\":250},\"recv\":{\"2s\":0.001,\"10s\":0.333,\"40s\":0}},"
            + "\"packet_rates\":{\"sent\":{\"2s\":12.4,\"10s\":10,\"40s\":1},\"recv\":{\"2s\":2,\"10s\":1.5,\"40s\":0.375}},"
            + "\"peak\":{\"sent\":3000.5,\"recv\":1024}}],"
            + "\"other\":{\"src\":\"(other)\",\"dst\":\"(other)\",\"src_addr\":null,\"dst_addr\":null,"
            + "\"src_port\":null,\"dst_port\":null,\"src_node\":null,\"dst_node\":null,\"nodes\":[],\"protocol\":null,\"conversations\":3,"
            + "\"sent_bytes\":100,\"recv_bytes\":0,\"sent_packets\":1,\"recv_packets\":0,"
            + "\"rates\":{\"sent\":{\"2s\":50,\"10s\":10,\"40s\":2.5},\"recv\":{\"2s\":0,\"10s\":0,\"40s\":0}},"
            + "\"packet_rates\":{\"sent\":{\"2s\":0.5,\"10s\":0.1,\"40s\":0.025},\"recv\":{\"2s\":0,\"10s\":0,\"40s\":0}},"
            + "\"peak\":{\"sent\":null,\"recv\":0}},"
            + "\"totals\":{\"sent_bytes\":5100,\"recv_bytes\":2048,\"sent_packets\":41,\"recv_packets\":15,"
            + "\"rates\":{\"sent\":{\"2s\":1550,\"10s\":1009.5,\"40s\":252.5},\"recv\":{\"2s\":0.001,\"10s\":0.333,\"40s\":0},"
            + "\"total\":{\"2s\":1550.001,\"10s\":1009.833,\"40s\":252.5}},"
            + "\"packet_rates\":{\"sent\":{\"2s\":12.9,\"10s\":10.1,\"40s\":1.025},\"recv\":{\"2s\":2,\"10s\":1.5,\"40s\":0.375},"
            + "\"total\":{\"2s\":14.9,\"10s\":11.6,\"40s\":1.4}},"
            + "\"peak\":{\"sent\":3000.5,\"recv\":1024,\"total\":null}},"
            + "\"capture\":{\"received\":120,\"dropped_kernel\":3,\"dropped_interface\":1,\"decoded\":110,\"rejected\":7,"
            + "\"rejected_truncated\":2,\"rejected_malformed\":1,\"rejected_unsupported_link\":1,\"rejected_not_ip\":3,"
            + "\"ignored\":4,\"overflow_packets\":5,\"folded_conversations\":6},"
            + "\"conversations\":5,\"nodes\":[]}",
        json);
  }

  @Test
  void hiddenHostsResolvedNamesAndNoOther() throws Exception {
    Row row = new Row(new Endpoint(null, 443), new Endpoint(REMOTE, Endpoint.NO_PORT), 6, SENT, RECEIVED, 1);
    Snapshot snapshot = new Snapshot(1_700_000_002_500L, "capture \"a\".pcap", List.of(row), null,
        new Totals(SENT, RECEIVED, 4000), COUNTERS, 1);
    Map<IpAddress, String> names = Map.of(REMOTE, "six.example");
    String json = new JsonRenderer(a -> names.getOrDefault(a, a.toString()), ServiceNamer.numeric()).render(snapshot);

    assertEquals("{\"time\":\"2023-11-14T22:13:22.500Z\",\"source\":\"capture \\\"a\\\".pcap\",\"rows\":[{\"src\":\"*:443\","
        + "\"dst\":\"six.example\",\"src_addr\":null,\"dst_addr\":\"2001:db8::7\",\"src_port\":443,\"dst_port\":null,"
        + "\"src_node\":null,\"dst_node\":null,\"nodes\":[],",
        json.substring(0, json.indexOf("\"protocol\"")));
    assertEquals(",\"other\":null,", json.substring(json.indexOf(",\"other\""), json.indexOf("\"totals\"")));
    assertFalse(json.contains("\n"));
  }

  @Test
  void clusterRowsNameTheirNodesAndTheSnapshotCarriesNodeStates() {
    Row row = new Row(new Endpoint(LOCAL, Endpoint.NO_PORT, "n1"), new Endpoint(REMOTE, Endpoint.NO_PORT), -1,
        SENT, RECEIVED, 1, List.of("n1", "n2"));
    NodeState n1 = new NodeState("n1", "z1", "00ff", 7, 1_700_000_001_250_000_000L, false, true, 2.5, COUNTERS);
    Snapshot snapshot = new Snapshot(1_700_000_002_000L, "cluster", List.of(row), null,
        new Totals(SENT, RECEIVED, 4000), COUNTERS, 1, List.of(n1));

    String json = new JsonRenderer(new NumericHostNamer(), ServiceNamer.numeric()).render(snapshot);

    assertEquals("{\"src\":\"n1/10.0.0.1\",\"dst\":\"2001:db8::7\",\"src_addr\":\"10.0.0.1\",\"dst_addr\":\"2001:db8::7\","
        + "\"src_port\":null,\"dst_port\":null,\"src_node\":\"n1\",\"dst_node\":null,\"nodes\":[\"n1\",\"n2\"],",
        json.substring(json.indexOf("{\"src\""), json.indexOf("\"protocol\"")));
    assertEquals("\"nodes\":[{\"node\":\"n1\",\"zone\":\"z1\",\"agent_id\":\"00ff\",\"epoch\":7,"
        + "\"last_batch\":\"2023-11-14T22:13:21.250Z\",\"stale\":false,\"restarted\":true,\"gap_seconds\":2.5,\"state\":\"\","
        + "\"capture\":{\"received\":120,\"dropped_kernel\":3,\"dropped_interface\":1,\"decoded\":110,\"rejected\":7,"
        + "\"rejected_truncated\":2,\"rejected_malformed\":1,\"rejected_unsupported_link\":1,\"rejected_not_ip\":3,"
        + "\"ignored\":4,\"overflow_packets\":5,\"folded_conversations\":6}}]}",
        json.substring(json.lastIndexOf("\"nodes\":[{")));
  }

  /** A row by destination class: the reporting nodes as src, the class as dst; neither is an address. */
  @Test
  void classRowsReadAsTheirClass() {
    Row row = new Row(new Endpoint(null, Endpoint.NO_PORT, "n1,n2"),
        new Endpoint(null, Endpoint.NO_PORT).withDestinationClass("cross-zone"), -1, SENT, RECEIVED, 2,
        List.of("n1", "n2"));
    Snapshot snapshot = new Snapshot(1_700_000_002_000L, "cluster", List.of(row), null,
        new Totals(SENT, RECEIVED, 4000), COUNTERS, 2, List.of());

    String json = new JsonRenderer(new NumericHostNamer(), ServiceNamer.numeric()).render(snapshot);

    assertEquals("{\"src\":\"n1,n2\",\"dst\":\"cross-zone\",\"src_addr\":null,\"dst_addr\":null,"
        + "\"src_port\":null,\"dst_port\":null,\"src_node\":\"n1,n2\",\"dst_node\":null,\"nodes\":[\"n1\",\"n2\"],",
        json.substring(json.indexOf("{\"src\""), json.indexOf("\"protocol\"")));
  }
}
