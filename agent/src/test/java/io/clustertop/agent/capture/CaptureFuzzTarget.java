package io.clustertop.agent.capture;

import io.clustertop.core.packet.DecoderFuzzTarget;
import io.clustertop.core.packet.LinkType;
import java.lang.foreign.MemorySegment;

/**
 * One fuzz input as a capture file, through the reader and the decoder: the file is read to its end
 * or refused with a {@link CaptureException} (after the packets before the damage), every packet
 * handed out lies inside the file and is decoded or rejected, and nothing else is thrown. Shared by
 * Jazzer's {@link CaptureFileFuzzTest} and the seeded mutations of {@link SharedCapturesMutationTest}.
 */
final class CaptureFuzzTarget {
  /** What one input came to. */
  record Outcome(long packets, long decoded, long rejected, boolean refused) {}

  private CaptureFuzzTarget() {}

  static Outcome run(byte[] contents) {
    DecoderFuzzTarget decoder = new DecoderFuzzTarget();
    long[] packets = new long[1];
    boolean refused = false;
    try (CaptureFile file = CaptureFile.of("fuzz", contents)) {
      file.run(new PacketHandler() {
        @Override
        public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
            long timestampNanos) {
          if (offset < 0 || capturedLength < 0 || offset + capturedLength > segment.byteSize()) {
            throw new AssertionError("a packet of " + capturedLength + " bytes at " + offset + " outside a file of "
                + segment.byteSize());
          }
          packets[0]++;
          decoder.decode(segment, offset, capturedLength, wireLength, link);
        }
      });
    } catch (CaptureException e) {
      refused = true;
    }
    long decoded = decoder.counters().decoded();
    long rejected = decoder.counters().rejected();
    if (decoded + rejected != packets[0]) {
      throw new AssertionError(packets[0] + " packets, " + decoded + " decoded, " + rejected + " rejected");
    }
    return new Outcome(packets[0], decoded, rejected, refused);
  }
}
