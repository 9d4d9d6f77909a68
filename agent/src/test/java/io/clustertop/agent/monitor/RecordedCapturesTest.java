package io.clustertop.agent.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clustertop.agent.RecordedCaptures;
import io.clustertop.agent.RecordedCaptures.Reference;
import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Captures of real traffic recorded in test namespaces (test/captures/record.sh), read through the
 * production path (file reader, decoder, orientation, interval table, conversation table), every
 * conversation's bytes and packets compared exactly with tshark's independent count
 * (test/captures/reference.sh).
 *
 * <p>With {@code -F 10.77.0.0/16} and {@code -G fd77::/16} each directed 5-tuple lands in exactly
 * one row and direction: a source inside the nets is the local side and sent; else the destination
 * is, and received; traffic with neither end inside (multicast, link-local) is not counted.
 */
class RecordedCapturesTest {

  static Stream<Path> captures() throws IOException, URISyntaxException {
    return RecordedCaptures.all().stream();
  }

  @ParameterizedTest
  @MethodSource("captures")
  void everyConversationMatchesTsharksCountExactly(Path capture) throws Exception {
    Reference reference = RecordedCaptures.reference(capture);
    Snapshot[] last = new Snapshot[1];
    ViewOptions everyConversation =
        new ViewOptions(true, true, PortDisplay.ON, SortOrder.SOURCE, Integer.MAX_VALUE, r -> true, List.of());
    try (CaptureFile file = CaptureFile.open(capture)) {
      new Monitor(file, RecordedCaptures.monitorOptions()).run(view -> {
        if (view.finished()) {
          last[0] = view.snapshot(everyConversation);
        }
      });
    }
    Snapshot s = last[0];

    Map<String, List<Long>> actual = new TreeMap<>();
    for (Row r : s.rows()) {
      actual.put(RecordedCaptures.key(r.left().host(), r.left().port(), r.right().host(), r.right().port(), r.protocol()),
          List.of(r.sent().packets(), r.sent().bytes(), r.received().packets(), r.received().bytes()));
    }
    assertEquals(reference.rows, actual, capture.getFileName() + ": per conversation");
    assertEquals(reference.sentBytes, s.totals().sent().bytes(), "sent bytes");
    assertEquals(reference.receivedBytes, s.totals().received().bytes(), "received bytes");
    assertEquals(reference.sentPackets + reference.receivedPackets,
        s.totals().sent().packets() + s.totals().received().packets(), "packets");
    assertEquals(reference.ignoredPackets, s.counters().ignored(), "packets with neither end in the nets");
    assertEquals(reference.totalPackets, s.counters().decoded(), "every IP datagram decoded");
    assertEquals(reference.nonIp, s.counters().rejectedNotIp(), "frames without IP");
    assertEquals(0, s.counters().rejected() - s.counters().rejectedNotIp(), "nothing truncated or malformed");
    assertFalse(s.rows().isEmpty());
  }
}
