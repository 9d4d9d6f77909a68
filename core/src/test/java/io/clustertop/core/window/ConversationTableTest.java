package io.clustertop.core.window;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Windows, totals, aggregation, the "other" row and the conversation limit, with exact figures. */
class ConversationTableTest {
  private static final CaptureCounters NO_COUNTERS = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final long LOCAL = 0x0a4d0001L;

  private final FlowAccumulator batch = new FlowAccumulator(1024);
  private final DecodedPacket p = new DecodedPacket();

  private void packet(long remote, int localPort, int remotePort, long bytes, boolean sent) {
    p.ipVersion = 4;
    p.protocol = 6;
    p.srcHigh = 0;
    p.dstHigh = 0;
    p.srcLow = sent ? LOCAL : remote;
    p.dstLow = sent ? remote : LOCAL;
    p.srcPort = sent ? localPort : remotePort;
    p.dstPort = sent ? remotePort : localPort;
    p.ipBytes = bytes;
    batch.add(p, sent ? Orientation.SENT : Orientation.RECEIVED);
  }

  private static ViewOptions view(PortDisplay ports, int limit) {
    return new ViewOptions(true, true, ports, SortOrder.LAST_10S, limit, r -> true, List.of());
  }

  @Test
  void ratesAverageOverTheCompletedSlotsAsIftopDoes() {
    ConversationTable table = new ConversationTable(100);
    // slot 0: 2000 bytes sent; slot 1: 4000 sent, 1000 received
    packet(0x0a4d0002L, 40000, 80, 2000, true);
    table.add(batch);
    batch.clear();
    table.closeSlot();
    packet(0x0a4d0002L, 40000, 80, 4000, true);
    packet(0x0a4d0002L, 40000, 80, 1000, false);
    table.add(batch);
    batch.clear();
    table.closeSlot();

    Snapshot s = table.snapshot(view(PortDisplay.OFF, 10), "test", 0, NO_COUNTERS);
    Row row = s.rows().get(0);
    assertEquals(4000 / 2.0, row.sent().bytesPerSecond().last2s());
    assertEquals(6000 / 4.0, row.sent().bytesPerSecond().last10s(), "two slots so far: over 4 s, not 10");
    assertEquals(6000 / 4.0, row.sent().bytesPerSecond().last40s());
    assertEquals(1000 / 2.0, row.received().bytesPerSecond().last2s());
    assertEquals(6000, row.sent().bytes());
    assertEquals(2, row.sent().packets());
    assertEquals(2000.0, row.sent().peakBytesPerSecond());
    assertEquals(6000, s.totals().sent().bytes());
    assertEquals(1000, s.totals().received().bytes());
    assertEquals(2500.0, s.totals().peakTotalBytesPerSecond());
  }

  @Test
  void windowsForgetOldSlotsButCumulativeTotalsStay() {
    ConversationTable table = new ConversationTable(100);
    packet(0x0a4d0002L, 1, 2, 1000, true);
    table.add(batch);
    batch.clear();
    for (int i = 0; i < 25; i++) {
      table.closeSlot();
    }
    Row row = table.snapshot(view(PortDisplay.OFF, 10), "test", 0, NO_COUNTERS).rows().get(0);
    assertEquals(0.0, row.sent().bytesPerSecond().last40s());
    assertEquals(1000, row.sent().bytes());
  }

  @Test
  void portsSplitRowsAndHostPairsAddThemUp() {
    ConversationTable table = new ConversationTable(100);
    packet(0x0a4d0002L, 40000, 80, 100, true);
    packet(0x0a4d0002L, 40001, 80, 300, true);
    packet(0x0a4d0003L, 40002, 443, 50, true);
    table.add(batch);
    table.closeSlot();
    assertEquals(3, table.snapshot(view(PortDisplay.ON, 10), "t", 0, NO_COUNTERS).rows().size());
    List<Row> pairs = table.snapshot(view(PortDisplay.OFF, 10), "t", 0, NO_COUNTERS).rows();
    assertEquals(2, pairs.size());
    assertEquals(400, pairs.get(0).sent().bytes());
    assertEquals(2, pairs.get(0).conversations());
    List<Row> byDestinationPort = table.snapshot(view(PortDisplay.DESTINATION_ONLY, 10), "t", 0, NO_COUNTERS).rows();
    assertEquals(2, byDestinationPort.size(), "the two connections to port 80 merge");
  }

  @Test
  void rowsCutByTheLimitGoToOtherAndEverythingAddsUpToTheTotals() {
    ConversationTable table = new ConversationTable(100);
    for (int host = 2; host < 12; host++) {
      packet(0x0a4d0000L + host, 1000, 80, host * 100L, true);
      packet(0x0a4d0000L + host, 1000, 80, host * 10L, false);
    }
    table.add(batch);
    table.closeSlot();
    Snapshot s = table.snapshot(view(PortDisplay.OFF, 3), "t", 0, NO_COUNTERS);
    assertEquals(3, s.rows().size());
    assertEquals(1100, s.rows().get(0).sent().bytes(), "largest first");
    long sent = s.other().sent().bytes();
    long received = s.other().received().bytes();
    for (Row r : s.rows()) {
      sent += r.sent().bytes();
      received += r.received().bytes();
    }
    assertEquals(s.totals().sent().bytes(), sent);
    assertEquals(s.totals().received().bytes(), received);
    assertEquals(6500, sent);
    assertTrue(Double.isNaN(s.other().sent().peakBytesPerSecond()));
  }

  @Test
  void theConversationLimitFoldsTheIdlestIntoOtherKeepingTotalsExact() {
    ConversationTable table = new ConversationTable(10);
    for (int host = 0; host < 10; host++) {
      packet(0x0b000000L + host, 1, 2, 100, true);
    }
    table.add(batch);
    batch.clear();
    table.closeSlot();
    for (int host = 100; host < 105; host++) {
      packet(0x0b000000L + host, 1, 2, 1000, true);
    }
    table.add(batch);
    table.closeSlot();

    assertEquals(9, table.size(), "folded down to 90 % of the limit");
    assertEquals(6, table.foldedConversations());
    Snapshot s = table.snapshot(view(PortDisplay.OFF, 100), "t", 0, NO_COUNTERS);
    assertEquals(9, s.rows().size());
    assertEquals(600, s.other().sent().bytes());
    assertEquals(6000, s.totals().sent().bytes());
    assertEquals(5000 + 400, s.rows().stream().mapToLong(r -> r.sent().bytes()).sum());
  }

  @Test
  void anEmptyTableHasNoOtherRowAndZeroTotals() {
    Snapshot s = new ConversationTable(10).snapshot(view(PortDisplay.OFF, 10), "t", 0, NO_COUNTERS);
    assertTrue(s.rows().isEmpty());
    assertNull(s.other());
    assertEquals(0, s.totals().totalBytes());
  }

  @Test
  void sortBySourceOrdersByAddress() {
    ConversationTable table = new ConversationTable(100);
    packet(0x0a4d0009L, 1, 2, 900, true);
    packet(0x0a4d0003L, 1, 2, 100, true);
    table.add(batch);
    table.closeSlot();
    List<Row> rows = table.snapshot(ViewOptions.defaults().withSort(SortOrder.DESTINATION).withLimit(10),
        "t", 0, NO_COUNTERS).rows();
    assertEquals(IpAddress.v4(0x0a4d0003L), rows.get(0).right().host());
  }

  /** Ten intervals of traffic that changes, in five slots, with the limit folding as it goes. */
  private void feed(ConversationTable table, int intervals) {
    for (int i = 0; i < intervals; i++) {
      for (int host = 0; host < 6; host++) {
        long remote = 0x0a4d0100L + (i + host) % 9;
        packet(remote, 40000 + host, 80, 100L * (host + 1) + i, true);
        packet(remote, 40000 + host, 80, 10L * (i + 1), false);
      }
      table.add(batch);
      batch.clear();
      if (i % 2 == 1) {
        table.closeSlot();
      }
    }
  }

  @Test
  void aViewKeptUpToDateIsTheViewMadeFromEveryConversation() {
    ViewOptions ports = ViewOptions.defaults().withPorts(PortDisplay.ON).withLimit(5);
    ViewOptions pairs = ViewOptions.defaults().withLimit(3);
    ConversationTable kept = new ConversationTable(20);
    kept.snapshot(ports, "t", 0, NO_COUNTERS); // made now, then kept up to date interval by interval
    kept.snapshot(pairs, "t", 0, NO_COUNTERS);
    feed(kept, 10);
    ConversationTable late = new ConversationTable(20);
    feed(late, 10);
    assertTrue(kept.foldedConversations() > 0, "the limit folded some");
    assertEquals(late.snapshot(ports, "t", 0, NO_COUNTERS), kept.snapshot(ports, "t", 0, NO_COUNTERS));
    assertEquals(late.snapshot(pairs, "t", 0, NO_COUNTERS), kept.snapshot(pairs, "t", 0, NO_COUNTERS));
  }

  @Test
  void aRowPredicateCutsAsTheMaintainedRowsDoAndNarrowsTheRowsNotTheTotals() {
    ConversationTable table = new ConversationTable(100);
    feed(table, 6);
    ViewOptions plain = ViewOptions.defaults().withLimit(3);
    assertTrue(plain.plain());
    ViewOptions everyRow = plain.withFilter(r -> true);
    assertEquals(table.snapshot(plain, "t", 0, NO_COUNTERS), table.snapshot(everyRow, "t", 0, NO_COUNTERS));

    IpAddress hidden = IpAddress.v4(0x0a4d0105L);
    Snapshot all = table.snapshot(ViewOptions.defaults(), "t", 0, NO_COUNTERS);
    Row hiddenRow = all.rows().stream().filter(r -> hidden.equals(r.right().host())).findFirst().orElseThrow();
    Snapshot narrowed = table.snapshot(ViewOptions.defaults().withFilter(r -> !hidden.equals(r.right().host())),
        "t", 0, NO_COUNTERS);
    assertEquals(all.rows().size() - 1, narrowed.rows().size());
    assertEquals(all.totals(), narrowed.totals());
    assertNull(narrowed.other(), "no limit: nothing cut, and the hidden row is in no other row");
    assertEquals(all.totals().sent().bytes() - hiddenRow.sent().bytes(),
        narrowed.rows().stream().mapToLong(r -> r.sent().bytes()).sum());
  }

  @Test
  void aFrozenOrderKeepsTheRowsWhereTheyWere() {
    ConversationTable table = new ConversationTable(100);
    feed(table, 6);
    ViewOptions plain = ViewOptions.defaults().withLimit(4);
    List<Row> before = table.snapshot(plain, "t", 0, NO_COUNTERS).rows();
    List<io.clustertop.core.view.RowKey> frozen = List.of(before.get(3).key(), before.get(0).key());
    List<Row> after = table.snapshot(plain.withFrozenOrder(frozen), "t", 0, NO_COUNTERS).rows();
    assertEquals(frozen, after.subList(0, 2).stream().map(Row::key).toList());
    assertEquals(List.of(before.get(1).key(), before.get(2).key()), after.subList(2, 4).stream().map(Row::key).toList());
  }

  @Test
  void aViewNoSnapshotReadsIsDroppedAndMadeAgainWhenAskedFor() {
    ConversationTable table = new ConversationTable(100);
    ViewOptions ports = ViewOptions.defaults().withPorts(PortDisplay.ON);
    table.snapshot(ports, "t", 0, NO_COUNTERS);
    table.snapshot(ViewOptions.defaults(), "t", 0, NO_COUNTERS);
    assertEquals(2, table.views());
    for (int s = 0; s <= ConversationTable.UNREAD_SLOTS; s++) {
      feed(table, 2); // a slot each
      table.snapshot(ViewOptions.defaults(), "t", 0, NO_COUNTERS);
    }
    feed(table, 2);
    assertEquals(1, table.views(), "the view by ports was not read for more than 30 s");
    ConversationTable fresh = new ConversationTable(100);
    for (int s = 0; s <= ConversationTable.UNREAD_SLOTS + 1; s++) {
      feed(fresh, 2);
    }
    assertEquals(fresh.snapshot(ports, "t", 0, NO_COUNTERS), table.snapshot(ports, "t", 0, NO_COUNTERS));
  }

  @Test
  void theWalkForMaskedKeysShowsWithNothingMaskedWhatTheMaintainedViewShows() {
    ConversationTable table = new ConversationTable(20);
    feed(table, 10);
    assertTrue(table.foldedConversations() > 0, "the limit folded some");
    for (ViewOptions options : List.of(ViewOptions.defaults().withLimit(3),
        ViewOptions.defaults().withPorts(PortDisplay.ON).withLimit(5), ViewOptions.defaults().withSort(SortOrder.SOURCE))) {
      assertEquals(table.snapshot(options, "t", 0, NO_COUNTERS),
          table.snapshot(options, "t", 0, NO_COUNTERS, java.util.function.UnaryOperator.identity()), options.toString());
    }
  }
}
