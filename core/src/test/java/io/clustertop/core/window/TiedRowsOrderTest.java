package io.clustertop.core.window;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NameOrder;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.Traffic;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rows equal in every figure and address (no hosts) go by their names ({@link NameOrder}) in
 * {@link ConversationTable#order}, the order of the relay's merge and the agent's table: the
 * tie-break the collector's cut makes on its frame (the collector's TiedRowsTest holds that side).
 */
class TiedRowsOrderTest {
  private static final Traffic SAME = new Traffic(1000, 10, new Rates(500, 100, 25), new Rates(5, 1, 0.25), 500);

  private static Row node(String name) {
    return new Row(new Endpoint(null, Endpoint.NO_PORT, name), new Endpoint(null, Endpoint.NO_PORT), -1, SAME, SAME, 1,
        List.of(name), null);
  }

  private static Row process(String node, String process) {
    return new Row(Endpoint.owner(process).withNode(node), new Endpoint(null, Endpoint.NO_PORT), -1, SAME, SAME, 1,
        List.of(node), null);
  }

  private static Row destinationClass(String name) {
    return new Row(new Endpoint(null, Endpoint.NO_PORT, "a,b"),
        new Endpoint(null, Endpoint.NO_PORT).withDestinationClass(name), -1, SAME, SAME, 1, List.of("a", "b"), null);
  }

  @Test
  void tiedRowsGoByOwnerThenClassThenNodeInEverySortOrder() {
    for (SortOrder sort : SortOrder.values()) {
      List<Row> nodes = new ArrayList<>(List.of(node("c"), node("a"), node("b")));
      nodes.sort(ConversationTable.order(sort));
      assertEquals(List.of("a", "b", "c"), nodes.stream().map(r -> r.left().node()).toList(), sort.name());

      List<Row> processes = new ArrayList<>(List.of(process("n2", "nginx[7]"), process("n1", "sshd[9]"),
          process("n1", "nginx[7]")));
      processes.sort(ConversationTable.order(sort));
      assertEquals(List.of("n1 nginx[7]", "n2 nginx[7]", "n1 sshd[9]"),
          processes.stream().map(r -> r.left().node() + " " + r.left().owner()).toList(), sort.name());

      List<Row> classes = new ArrayList<>(List.of(destinationClass("internet"), destinationClass("cross-zone")));
      classes.sort(ConversationTable.order(sort));
      assertEquals(List.of("cross-zone", "internet"), classes.stream().map(r -> r.right().destinationClass()).toList(),
          sort.name());
    }
  }

  @Test
  void noNameComesFirst() {
    assertEquals(-1, Integer.signum(NameOrder.compare(null, "", "", "", "", "a")));
    assertEquals(0, NameOrder.compare(null, null, null, "", "", ""));
  }
}
