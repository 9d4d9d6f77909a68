package io.clustertop.console.names;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Traffic;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A side with no host reads {@code *}, as iftop writes it and the JSON schema says, whatever nodes
 * reported the row (they are on the row's second line); only a node's own row and a row by
 * destination class are read by their nodes.
 */
class HiddenSidesTest {
  private static final EndpointNames NAMES = new EndpointNames(new NumericHostNamer(), ServiceNamer.numeric());
  private static final List<String> N1_N2 = List.of("n1", "n2");

  private static Row row(Endpoint left, Endpoint right, int protocol) {
    return new Row(left, right, protocol, Traffic.ZERO, Traffic.ZERO, 1, N1_N2);
  }

  private static List<String> labels(Row r) {
    return List.of(NAMES.label(r, r.left()), NAMES.label(r, r.right()));
  }

  @Test
  void byRemoteByPortAndHiddenSidesReadAsAStar() {
    Endpoint cluster = new Endpoint(null, Endpoint.NO_PORT, "n1,n2");
    Endpoint remote = new Endpoint(IpAddress.parse("203.0.113.1"), Endpoint.NO_PORT);
    assertEquals(List.of("*", "203.0.113.1"), labels(row(cluster, remote, -1)), "by remote address");
    assertEquals(List.of("*", "*:443"), labels(row(cluster, new Endpoint(null, 443), 6)), "by port");
    Endpoint hiddenNode = new Endpoint(null, Endpoint.NO_PORT, "n1");
    assertEquals(List.of("*", "203.0.113.1"), labels(row(hiddenNode, remote, -1)), "s: the source hidden");
    assertEquals("n1/10.77.0.1", NAMES.label(row(new Endpoint(IpAddress.parse("10.77.0.1"), Endpoint.NO_PORT, "n1"),
        new Endpoint(null, Endpoint.NO_PORT), -1), new Endpoint(IpAddress.parse("10.77.0.1"), Endpoint.NO_PORT, "n1")),
        "d: a node's host as ever");
    assertEquals(List.of("n1/10.77.0.1", "*"), labels(row(new Endpoint(IpAddress.parse("10.77.0.1"), Endpoint.NO_PORT, "n1"),
        new Endpoint(null, Endpoint.NO_PORT), -1)), "d: the destination hidden");
  }

  @Test
  void aNodesOwnRowAndAClassRowAreReadByTheirNodes() {
    assertEquals(List.of("n1", "*"), labels(row(new Endpoint(null, Endpoint.NO_PORT, "n1"),
        new Endpoint(null, Endpoint.NO_PORT), -1)), "by node");
    assertEquals(List.of("n1,n2", "internet"), labels(row(new Endpoint(null, Endpoint.NO_PORT, "n1,n2"),
        new Endpoint(null, Endpoint.NO_PORT).withDestinationClass("internet"), -1)), "by destination class");
  }
}
