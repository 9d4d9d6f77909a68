package io.clustertop.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.packet.PacketDecoder;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every public capture, malformed ones included, through the file reader and the decoder: nothing
 * may throw (but a {@link CaptureException} for a broken file), hang, or go uncounted.
 */
class SharedCapturesDecodeTest {

  @Test
  void everyCaptureDecodesWithoutCrashOrHangAndEveryPacketIsCounted() throws Exception {
    List<Path> files = SharedCaptures.all();
    assumeTrue(files.size() > 800, "../shared/pcaps is not beside this checkout");
    long packets = 0;
    long decoded = 0;
    long rejected = 0;
    int brokenFiles = 0;
    int checkedAgainstLibpcap = 0;
    Map<String, Long> libpcapCounts = libpcapCounts();
    for (Path file : files) {
      long[] result = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> decode(file), file::toString);
      assertEquals(result[0], result[1] + result[2], () -> file + ": delivered packets must be decoded or rejected");
      packets += result[0];
      decoded += result[1];
      rejected += result[2];
      brokenFiles += (int) result[3];
      Long expected = libpcapCounts.get(SharedCaptures.folder().relativize(file).toString());
      if (expected != null) {
        assertEquals(expected, result[0], () -> file + ": packets read, against libpcap's count");
        checkedAgainstLibpcap++;
      }
    }
    System.out.printf("%d files, %d packets: %d decoded, %d rejected; %d files ended in a format error;"
        + " %d files' packet counts equal libpcap's%n",
        files.size(), packets, decoded, rejected, brokenFiles, checkedAgainstLibpcap);
    assertEquals(libpcapCounts.size(), checkedAgainstLibpcap, "every file libpcap reads was read here too");
    assertTrue(decoded > 5_000, "the captures hold plenty of IP traffic");
    assertTrue(rejected > 1_000, "and plenty that is not IP or is broken");
  }

  /** test/captures/shared-counts.sh's table: file -> packets libpcap reads. */
  private static Map<String, Long> libpcapCounts() throws IOException {
    Map<String, Long> counts = new HashMap<>();
    try (InputStream in = SharedCapturesDecodeTest.class.getResourceAsStream("/shared-pcaps-libpcap-counts.tsv")) {
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (!line.startsWith("#") && !line.isBlank()) {
          String[] f = line.split("\t");
          counts.put(f[0], Long.parseLong(f[1]));
        }
      }
    }
    return counts;
  }

  /** Returns {packets delivered, decoded, rejected, 1 if the file was broken}. */
  private static long[] decode(Path file) throws CaptureException {
    PacketDecoder decoder = new PacketDecoder();
    DecodedPacket out = new DecodedPacket();
    long[] delivered = new long[1];
    int broken = 0;
    try (CaptureFile capture = CaptureFile.open(file)) {
      capture.run(new PacketHandler() {
        @Override
        public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
            long timestampNanos) {
          delivered[0]++;
          decoder.decode(segment, offset, capturedLength, wireLength, link, out);
        }
      });
    } catch (CaptureException e) {
      broken = 1;
    }
    return new long[] {delivered[0], decoder.counters().decoded(), decoder.counters().rejected(), broken};
  }
}
