package io.clustertop.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.RecordedCaptures;
import io.clustertop.agent.RecordedCaptures.Reference;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A recorded capture looped: every pass later than the last, and n passes count n times the file. */
class LoopedCaptureTest {
  private static final long SECOND = 1_000_000_000L;

  private static Path capture(String name) throws Exception {
    return RecordedCaptures.all().stream().filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
  }

  private static List<Long> timestamps(PacketSource source) throws CaptureException {
    List<Long> times = new ArrayList<>();
    source.run((segment, offset, captured, wire, link, timestampNanos) -> times.add(timestampNanos));
    return times;
  }

  @Test
  void eachPassIsThePreviousOneMovedOnByAWholeNumberOfSecondsPastItsEnd() throws Exception {
    Path file = capture("udp-ipv4.pcap");
    List<Long> once;
    try (CaptureFile plain = CaptureFile.open(file)) {
      once = timestamps(plain);
    }
    long span = once.stream().mapToLong(t -> t).max().orElseThrow() - once.stream().mapToLong(t -> t).min().orElseThrow();
    try (LoopedCapture loop = LoopedCapture.of(CaptureFile.of("udp", Files.readAllBytes(file)), 3)) {
      long period = loop.periodNanos();
      assertEquals(0, period % SECOND);
      assertTrue(period > span && period <= span + SECOND, period + " for a span of " + span);
      List<Long> looped = timestamps(loop);
      assertEquals(3 * once.size(), looped.size());
      for (int pass = 0; pass < 3; pass++) {
        for (int i = 0; i < once.size(); i++) {
          assertEquals(once.get(i) + pass * period, looped.get(pass * once.size() + i));
        }
      }
      for (int i = 1; i < looped.size(); i++) {
        assertTrue(looped.get(i) >= looped.get(i - 1), "time never goes back, packet " + i);
      }
    }
  }

  @Test
  void threePassesCountThreeTimesTheFileInEveryConversation() throws Exception {
    Path file = capture("tcp-ipv6.pcap");
    Reference once = RecordedCaptures.reference(file);
    Snapshot[] last = new Snapshot[1];
    ViewOptions all = new ViewOptions(true, true, PortDisplay.ON, SortOrder.SOURCE, Integer.MAX_VALUE, r -> true, List.of());
    try (LoopedCapture loop = LoopedCapture.of(CaptureFile.open(file), 3)) {
      new Monitor(loop, RecordedCaptures.monitorOptions()).run(view -> {
        if (view.finished()) {
          last[0] = view.snapshot(all);
        }
      });
    }
    Snapshot s = last[0];
    assertEquals(once.rows.size(), s.rows().size());
    s.rows().forEach(r -> {
      List<Long> expected = once.rows.get(RecordedCaptures.key(r.left().host(), r.left().port(), r.right().host(),
          r.right().port(), r.protocol()));
      assertEquals(expected.stream().map(v -> 3 * v).toList(),
          List.of(r.sent().packets(), r.sent().bytes(), r.received().packets(), r.received().bytes()));
    });
    assertEquals(3 * once.sentBytes, s.totals().sent().bytes());
    assertEquals(3 * once.receivedBytes, s.totals().received().bytes());
  }

  @Test
  void aFileWithoutPacketsCannotLoop() {
    byte[] header = new byte[24];
    header[0] = (byte) 0xD4;
    header[1] = (byte) 0xC3;
    header[2] = (byte) 0xB2;
    header[3] = (byte) 0xA1; // pcap, little-endian, microseconds
    header[4] = 2;
    header[6] = 4;
    header[16] = (byte) 128;
    header[20] = 1; // Ethernet
    CaptureException e = assertThrows(CaptureException.class, () -> LoopedCapture.of(CaptureFile.of("empty", header), 2));
    assertEquals("empty: no packets to replay", e.getMessage());
  }
}
