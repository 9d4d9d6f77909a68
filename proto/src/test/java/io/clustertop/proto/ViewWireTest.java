package io.clustertop.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.proto.v1.ViewSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

class ViewWireTest {
  private static final Traffic T = new Traffic(1000, 10, new Rates(1, 2, 3), new Rates(0.5, 0.25, 0.125), 42);
  private static final Traffic OTHER = new Traffic(7, 1, Rates.ZERO, Rates.ZERO, Double.NaN);

  @Test
  void aSnapshotSurvivesTheWire() {
    Row row = new Row(new Endpoint(IpAddress.parse("10.77.0.1"), 443, "n1"),
        new Endpoint(IpAddress.parse("fd77::2"), Endpoint.NO_PORT), 6, T, OTHER, 3, List.of("n1", "n2"));
    Row other = new Row(new Endpoint(null, Endpoint.NO_PORT), new Endpoint(null, Endpoint.NO_PORT), -1, OTHER, OTHER, 9);
    CaptureCounters counters = new CaptureCounters(100, 1, 2, 90, 10, 1, 2, 3, 4, 5, 6, 7);
    NodeState n1 = new NodeState("n1", "z", "0a0b", 3, 1_700_000_000_100_000_001L, true, true, 1.5, counters);
    NodeState n2 = new NodeState("n2", "", "0c0d", 4, 0, true, false, 0, CaptureCounters.ZERO, "clock off by 1200 s");
    Snapshot s = new Snapshot(1_700_000_000_123L, "cluster", List.of(row), other, new Totals(T, T, 84), counters, 12,
        List.of(n1, n2));

    Snapshot back = ViewWire.fromProto(ViewWire.toProto(s));
    assertEquals(s, back);
  }

  @Test
  void aClassRowKeepsItsClassOnTheRightSide() {
    Endpoint nodes = new Endpoint(null, Endpoint.NO_PORT, "n1,n2");
    Row internet = new Row(nodes, new Endpoint(null, Endpoint.NO_PORT).withDestinationClass("internet"), -1, T, OTHER,
        4, List.of("n1", "n2"));
    Snapshot s = new Snapshot(0, "cluster", List.of(internet), null, new Totals(T, T, 84),
        new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 4);

    ViewSnapshot wire = ViewWire.toProto(s);
    assertEquals("internet", wire.getRows(0).getDestinationClass()); // where the watch service's clients read it
    assertEquals(s, ViewWire.fromProto(wire));
    // and a row of any other grouping has none
    assertEquals("", ViewWire.toProto(new Row(nodes, nodes, -1, T, T, 1)).getDestinationClass());
  }

  @Test
  void noOtherRowStaysNone() {
    Snapshot s = new Snapshot(0, "lo", List.of(), null, new Totals(Traffic.ZERO, Traffic.ZERO, 0),
        new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0);
    assertFalse(ViewWire.toProto(s).hasOther());
    assertEquals(s, ViewWire.fromProto(ViewWire.toProto(s)));
  }

  @Test
  void viewOptionsSurviveTheWire() {
    ViewOptions o = new ViewOptions(false, true, PortDisplay.DESTINATION_ONLY, SortOrder.SOURCE, 25, r -> true, List.of());
    ViewOptions back = ViewWire.fromProto(ViewWire.toProto(o));
    assertEquals(List.of(o.showSource(), o.showDestination(), o.ports(), o.sort(), o.limit()),
        List.of(back.showSource(), back.showDestination(), back.ports(), back.sort(), back.limit()));
  }

  @Test
  void addressesHaveFourOrSixteenBytes() {
    assertEquals(IpAddress.parse("10.77.0.1"), ViewWire.address(ByteString.copyFrom(new byte[] {10, 77, 0, 1})));
    assertThrows(IllegalArgumentException.class, () -> ViewWire.address(ByteString.copyFrom(new byte[5])));
  }
}
