package io.clustertop.agent.capture;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over the real captures of ../shared/pcaps, in every build: each capture
 * (its first 64 KiB) mutated the ways broken writers and hostile files break them: bits flipped,
 * cut short, a length field set to an extreme (0, 1, 0x7FFFFFFF, 0xFFFFFFFF, one past the rest of
 * the file), a pcapng block's type swapped for another's; through {@link CaptureFuzzTarget}, each
 * under a deadline. The same seed gives the same inputs, so a failure here reproduces; Jazzer's
 * coverage-guided run (bench/fuzz.sh) goes further.
 */
class SharedCapturesMutationTest {
  private static final int MUTANTS_PER_CAPTURE = 6;
  private static final int CUT = 64 * 1024;
  private static final int[] EXTREMES = {0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF};
  private static final int[] BLOCK_TYPES = {0x0A0D0D0A, 1, 2, 3, 5, 6, 0xBAD, 0x40000BAD};

  @Test
  void everyMutantIsReadOrRefusedInTimeAndEveryPacketCounted() throws Exception {
    List<Path> files = SharedCaptures.all();
    assumeTrue(files.size() > 800, "../shared/pcaps is not beside this checkout");
    long start = System.nanoTime();
    long inputs = 0;
    long packets = 0;
    long refused = 0;
    for (Path file : files) {
      byte[] original = Files.readAllBytes(file);
      byte[] capture = Arrays.copyOf(original, Math.min(original.length, CUT));
      Random random = new Random(file.getFileName().toString().hashCode());
      for (int i = 0; i < MUTANTS_PER_CAPTURE; i++) {
        byte[] mutant = mutate(capture, i, random);
        String what = file + " mutant " + i;
        CaptureFuzzTarget.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(10),
            () -> CaptureFuzzTarget.run(mutant), what);
        inputs++;
        packets += o.packets();
        refused += o.refused() ? 1 : 0;
      }
    }
    System.out.printf("%d mutants of %d captures in %.1f s: %d packets counted, %d files refused%n", inputs,
        files.size(), (System.nanoTime() - start) / 1e9, packets, refused);
  }

  /** The {@code kind % 4}th way of breaking a capture, at places {@code random} picks. */
  static byte[] mutate(byte[] capture, int kind, Random random) {
    byte[] m = capture.clone();
    if (m.length == 0) {
      return m;
    }
    switch (kind % 4) {
      case 0 -> {
        for (int flips = 1 + random.nextInt(8); flips > 0; flips--) {
          int bit = random.nextInt(m.length * 8);
          m[bit / 8] ^= (byte) (1 << (bit % 8));
        }
      }
      case 1 -> m = Arrays.copyOf(m, random.nextInt(m.length));
      case 2 -> {
        // a 32-bit field on a 4-byte boundary (every length field of both formats is one), either order
        int at = (random.nextInt(Math.max(1, m.length / 4))) * 4;
        if (at + 4 <= m.length) {
          int value = random.nextInt(5) == 4 ? m.length - at : EXTREMES[random.nextInt(EXTREMES.length)];
          ByteBuffer.wrap(m, at, 4).order(random.nextBoolean() ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN)
              .putInt(value);
        }
      }
      default -> {
        // a pcapng block's type swapped: walk the blocks (little-endian lengths) and pick one
        int at = 0;
        int chosen = -1;
        while (at + 12 <= m.length) {
          int length = ByteBuffer.wrap(m, at + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
          if (random.nextInt(4) == 0 || chosen < 0) {
            chosen = at;
          }
          if (length < 12 || length > m.length - at) {
            break;
          }
          at += length;
        }
        if (chosen >= 0) {
          ByteBuffer.wrap(m, chosen, 4).order(ByteOrder.LITTLE_ENDIAN)
              .putInt(BLOCK_TYPES[random.nextInt(BLOCK_TYPES.length)]);
        } else {
          m[random.nextInt(m.length)] = (byte) random.nextInt(256);
        }
      }
    }
    return m;
  }
}
