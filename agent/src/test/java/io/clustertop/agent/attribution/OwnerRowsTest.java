package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.Container;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.ConversationTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OwnerRowsTest {
  private static final IpAddress POD = IpAddress.parse("10.77.1.2");
  private static final IpAddress OUT = IpAddress.parse("10.77.0.2");
  private static final CaptureCounters COUNTERS = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final FlowKey A = new FlowKey(POD, OUT, 41001, 5001, 6);
  private static final FlowKey B = new FlowKey(POD, OUT, 41002, 5002, 17);
  private static final FlowKey C = new FlowKey(POD, IpAddress.parse("10.77.0.3"), 41003, 5001, 6);
  private static final FlowKey D = new FlowKey(POD, OUT, 0, 0, 1);
  private static final FlowKey E = new FlowKey(POD, OUT, 41005, 5001, 6);
  private static final LocalProcess WEB = new LocalProcess(201, "python3", 2, new Container("a".repeat(64), "docker", "web"));
  private static final LocalProcess SSHD = new LocalProcess(77, "sshd", 1, null);
  private static final Map<FlowKey, Attribution> OWNERS = Map.of(A, new Attribution(WEB), B, new Attribution(WEB),
      C, new Attribution(SSHD), D, Attribution.UNATTRIBUTED);

  private static ConversationTable table() {
    return table(100);
  }

  private static ConversationTable table(int maxConversations) {
    ConversationTable table = new ConversationTable(maxConversations);
    // 100-byte packets: A 1, B 2, C 3, D 8, E 16
    List<FlowKey> packets = new java.util.ArrayList<>();
    Map.of(A, 1, B, 2, C, 3, D, 8, E, 16).forEach((k, n) -> packets.addAll(java.util.Collections.nCopies(n, k)));
    table.add(FakeProc.interval(packets.toArray(FlowKey[]::new)));
    table.closeSlot();
    return table;
  }

  private static Snapshot snapshot(OwnerRows.By by, ViewOptions options) {
    return new OwnerRows(OWNERS::get, by).snapshot(table(), options, "eth0", 0, COUNTERS);
  }

  private static Map<String, Long> sentByOwner(Snapshot s) {
    return s.rows().stream().collect(java.util.stream.Collectors.toMap(r -> r.left().owner(), r -> r.sent().bytes()));
  }

  @Test
  void oneRowPerProcessWithTheDestinationHidden() {
    Snapshot s = snapshot(OwnerRows.By.PROCESS, ViewOptions.defaults().withHosts(true, false));
    assertEquals(Map.of("python3[201]", 300L, "sshd[77]", 300L, "(unattributed)", 800L, "(attributing)", 1600L), sentByOwner(s));
    assertEquals(3000, s.totals().sent().bytes(), "rows add up to the totals");
    assertEquals(2, s.rows().stream().filter(r -> r.left().owner().equals("python3[201]")).findFirst().orElseThrow().conversations());
  }

  @Test
  void oneRowPerContainerAndTheHost() {
    Snapshot s = snapshot(OwnerRows.By.CONTAINER, ViewOptions.defaults().withHosts(true, false));
    assertEquals(Map.of("web", 300L, "(host)", 300L, "(unattributed)", 800L, "(attributing)", 1600L), sentByOwner(s));
  }

  @Test
  void withPortsAndRemotesARowPerConversation() {
    Snapshot s = snapshot(OwnerRows.By.PROCESS, ViewOptions.defaults().withPorts(PortDisplay.ON));
    assertEquals(5, s.rows().size());
    Row a = s.rows().stream().filter(r -> r.left().port() == 41001).findFirst().orElseThrow();
    assertEquals("python3[201]", a.left().owner());
    assertEquals(OUT, a.right().host());
    assertEquals(5001, a.right().port());
    assertEquals(6, a.protocol());
    assertEquals(List.of(1600L, 800L, 300L, 200L, 100L), s.rows().stream().map(r -> r.sent().bytes()).toList(),
        "the usual order: the largest first");
  }

  @Test
  void whatTheLimitFoldedAwayIsInTheOtherRowSoRowsAndOtherAddUpToTheTotals() {
    // 5 conversations, room for 3: the idlest fold into the table's "other"
    Snapshot s = new OwnerRows(OWNERS::get, OwnerRows.By.PROCESS)
        .snapshot(table(3), ViewOptions.defaults().withHosts(true, false), "eth0", 0, COUNTERS);
    long rows = s.rows().stream().mapToLong(r -> r.sent().bytes()).sum();
    long other = s.other() == null ? 0 : s.other().sent().bytes();
    assertEquals(3000, s.totals().sent().bytes());
    assertEquals(3000, rows + other, "rows " + rows + " and other " + other);
    assertEquals(true, other > 0, "something was folded");
  }
}
