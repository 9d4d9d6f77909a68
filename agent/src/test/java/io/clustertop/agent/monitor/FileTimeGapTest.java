package io.clustertop.agent.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A file whose packets are a year apart, ahead and back: the silence costs what the windows hold
 * (about 40 ticks), not a year of ticks; every packet counts; no rate goes negative.
 */
class FileTimeGapTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long YEAR = 365L * 24 * 3600;

  /** A pcap (raw IPv4, microseconds) of 1000-byte datagrams from 10.77.0.1 at these times in seconds. */
  static byte[] pcap(long... seconds) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer header = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
    out.writeBytes(header.array());
    for (long s : seconds) {
      ByteBuffer record = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      record.putInt((int) s).putInt(0).putInt(20).putInt(1000);
      out.writeBytes(record.array());
      ByteBuffer ip = ByteBuffer.allocate(20);
      ip.put((byte) 0x45).put((byte) 0).putShort((short) 1000).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
      ip.putInt((int) IpAddress.parse("10.77.0.1").low()).putInt((int) IpAddress.parse("10.77.0.2").low());
      out.writeBytes(ip.array());
    }
    return out.toByteArray();
  }

  @Test
  void aYearOfSilenceAheadAndBackCostsTheWindowsNotTheYear() throws Exception {
    long t0 = 1_600_000_000L;
    // Three packets, a year's silence, two packets, one a year back in time, one more.
    byte[] file = pcap(t0, t0 + 1, t0 + 2, t0 + YEAR, t0 + YEAR + 1, t0 + 3, t0 + YEAR + 2);
    List<Long> intervalEnds = new ArrayList<>();
    List<Snapshot> seen = new ArrayList<>();
    Snapshot[] last = new Snapshot[1];
    IntervalListener intervals = (flows, counters, end, table) -> {
      intervalEnds.add(end);
      if (intervalEnds.size() > 1000) {
        throw new AssertionError("a tick for every second of the silence");
      }
    };
    MonitorOptions options = new MonitorOptions(null, null, false, 64, 64)
        .withLocalAddresses(List.of(IpAddress.parse("10.77.0.1")));
    try (CaptureFile capture = CaptureFile.of("gaps", file)) {
      new Monitor(capture, options, intervals).run(view -> {
        Snapshot s = view.snapshot(ViewOptions.defaults());
        seen.add(s);
        if (view.finished()) {
          last[0] = s;
        }
      });
    }
    // 2 ticks before the silence, 43 walked into it, one across the rest, 2 after, the last one.
    assertTrue(intervalEnds.size() <= 50, "intervals: " + intervalEnds.size());
    for (int i = 1; i < intervalEnds.size(); i++) {
      assertTrue(intervalEnds.get(i) >= intervalEnds.get(i - 1), "interval ends go forward");
    }
    // The silence: walked a second at a time for 43 ticks (every window empties), then crossed in one
    // interval that ends on the second of the packet after it.
    int across = intervalEnds.indexOf((t0 + YEAR) * SECOND);
    assertTrue(across > 0, "an interval ends at the packet after the silence: " + intervalEnds);
    assertEquals((t0 + 2 + 43) * SECOND, intervalEnds.get(across - 1));
    assertEquals(7000, last[0].totals().sent().bytes(), "every packet counted, the one back in time too");
    assertEquals(7, last[0].totals().sent().packets());
    for (Snapshot s : seen) {
      Rates r = s.totals().sent().bytesPerSecond();
      assertTrue(r.last2s() >= 0 && r.last10s() >= 0 && r.last40s() >= 0, "no negative rate: " + r);
    }
    // The last report's 40 s window holds the four packets after the silence (the one stamped back in
    // time is counted where it was read), nothing from before it.
    assertEquals(4000 / 40.0, last[0].totals().sent().bytesPerSecond().last40s(), 1e-9);
  }
}
