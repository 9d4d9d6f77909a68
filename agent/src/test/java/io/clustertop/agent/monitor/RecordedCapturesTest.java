package io.clustertop.agent.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.ViewOptions;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
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
  private static final Network NODES4 = Network.parse("10.77.0.0/16");
  private static final Network NODES6 = Network.parse("fd77::/16");

  static Stream<Path> captures() throws IOException, URISyntaxException {
    Path dir = Path.of(RecordedCapturesTest.class.getResource("/captures").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
          .sorted().toList().stream();
    }
  }

  @ParameterizedTest
  @MethodSource("captures")
  void everyConversationMatchesTsharksCountExactly(Path capture) throws Exception {
    Reference reference = Reference.read(Path.of(capture.toString().replaceFirst("\\.pcap(ng)?$", ".expected")));
    Snapshot[] last = new Snapshot[1];
    ViewOptions everyConversation =
        new ViewOptions(true, true, PortDisplay.ON, SortOrder.SOURCE, Integer.MAX_VALUE, r -> true, List.of());
    try (CaptureFile file = CaptureFile.open(capture)) {
      Monitor monitor = new Monitor(file,
          new MonitorOptions(NODES4, NODES6, true, 1024, 10_000));
      monitor.run(view -> {
        if (view.finished()) {
          last[0] = view.snapshot(everyConversation);
        }
      });
    }
    Snapshot s = last[0];

    Map<String, long[]> actual = new TreeMap<>();
    for (Row r : s.rows()) {
      actual.put(key(r.left().host(), r.left().port(), r.right().host(), r.right().port(), r.protocol()),
          new long[] {r.sent().packets(), r.sent().bytes(), r.received().packets(), r.received().bytes()});
    }
    assertEquals(reference.rows, withStrings(actual), capture.getFileName() + ": per conversation");
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

  private static String key(IpAddress local, int localPort, IpAddress remote, int remotePort, int protocol) {
    return local + ":" + localPort + " " + remote + ":" + remotePort + " " + protocol;
  }

  private static Map<String, List<Long>> withStrings(Map<String, long[]> rows) {
    Map<String, List<Long>> m = new TreeMap<>();
    rows.forEach((k, v) -> m.put(k, List.of(v[0], v[1], v[2], v[3])));
    return m;
  }

  /** An .expected file, mapped onto rows the way {@code -F}/{@code -G} orient them. */
  private static final class Reference {
    final Map<String, List<Long>> rows = new TreeMap<>();
    long sentBytes;
    long receivedBytes;
    long sentPackets;
    long receivedPackets;
    long ignoredPackets;
    long totalPackets;
    long nonIp;

    static Reference read(Path file) throws IOException {
      Reference ref = new Reference();
      Map<String, long[]> sums = new TreeMap<>();
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split(" ");
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        switch (f[0]) {
          case "total" -> ref.totalPackets = Long.parseLong(f[1]);
          case "non-ip" -> ref.nonIp = Long.parseLong(f[1]);
          default -> {
            IpAddress src = IpAddress.parse(f[0]);
            IpAddress dst = IpAddress.parse(f[1]);
            int protocol = Integer.parseInt(f[2]);
            int srcPort = Integer.parseInt(f[3]);
            int dstPort = Integer.parseInt(f[4]);
            long packets = Long.parseLong(f[5]);
            long bytes = Long.parseLong(f[6]);
            if (inside(src)) {
              long[] v = sums.computeIfAbsent(key(src, srcPort, dst, dstPort, protocol), k -> new long[4]);
              v[0] += packets;
              v[1] += bytes;
              ref.sentPackets += packets;
              ref.sentBytes += bytes;
            } else if (inside(dst)) {
              long[] v = sums.computeIfAbsent(key(dst, dstPort, src, srcPort, protocol), k -> new long[4]);
              v[2] += packets;
              v[3] += bytes;
              ref.receivedPackets += packets;
              ref.receivedBytes += bytes;
            } else {
              ref.ignoredPackets += packets;
            }
          }
        }
      }
      ref.rows.putAll(withStrings(sums));
      return ref;
    }

    private static boolean inside(IpAddress a) {
      Network n = a.version() == 4 ? NODES4 : NODES6;
      return n.contains(a.version(), a.high(), a.low());
    }
  }
}
