package io.clustertop.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A seeded mutation fuzzer over agents' streams, in every build: the seeds of
 * {@link IngestFuzzTarget#seeds} (what agents do) mutated the ways broken and hostile agents break
 * them: bits flipped, cut short, a varint or fixed 64-bit field set to an extreme (0, 1, 2^50, 2^63,
 * 2^64 - 1), records swapped or repeated, through {@link IngestFuzzTarget}, each under a deadline. The
 * same seed gives the same inputs, so a failure here reproduces ({@code SEED} in the environment picks
 * another); Jazzer's coverage-guided run (bench/fuzz.sh ingest) goes further.
 */
class IngestMutationTest {
  private static final int MUTANTS = 3000;
  private static final long[] EXTREMES = {0, 1, 1L << 50, Long.MIN_VALUE, -1L};

  @Test
  void everyMutantIsCountedOrRefusedInTimeAndItsFiguresAddUp() {
    long seed = Long.parseLong(System.getenv().getOrDefault("SEED", "12"));
    Random random = new Random(seed);
    List<byte[]> seeds = IngestFuzzTarget.seeds();
    long start = System.nanoTime();
    long messages = 0;
    long refused = 0;
    long acked = 0;
    for (byte[] s : seeds) {
      IngestFuzzTarget.Outcome o = IngestFuzzTarget.run(s);
      assertTrue(o.acked() > 0, "a seed is what agents send: " + o);
    }
    for (int i = 0; i < MUTANTS; i++) {
      byte[] mutant = mutate(seeds.get(random.nextInt(seeds.size())), i, random);
      int index = i;
      IngestFuzzTarget.Outcome o = assertTimeoutPreemptively(Duration.ofSeconds(10),
          () -> IngestFuzzTarget.run(mutant), () -> "seed " + seed + ", mutant " + index + ": "
              + java.util.HexFormat.of().formatHex(mutant));
      messages += o.messages();
      refused += o.refused();
      acked += o.acked();
    }
    System.out.printf("%d mutants (seed %d) in %.1f s: %d messages, %d acknowledged, %d refused%n", MUTANTS, seed,
        (System.nanoTime() - start) / 1e9, messages, acked, refused);
    assertTrue(acked > 0 && refused > 0, "the mutants reached both ends: " + acked + " acked, " + refused + " refused");
  }

  /** The {@code kind % 5}th way of breaking agents' streams, at places {@code random} picks. */
  static byte[] mutate(byte[] input, int kind, Random random) {
    byte[] m = input.clone();
    switch (kind % 5) {
      case 0 -> {
        for (int flips = 1 + random.nextInt(6); flips > 0; flips--) {
          int bit = random.nextInt(m.length * 8);
          m[bit / 8] ^= (byte) (1 << (bit % 8));
        }
      }
      case 1 -> m = Arrays.copyOf(m, random.nextInt(m.length));
      case 2 -> {
        // a varint's bytes (volumes, sequences, times): replaced by an extreme's, the rest shifted on
        int at = random.nextInt(m.length);
        long value = EXTREMES[random.nextInt(EXTREMES.length)];
        byte[] varint = varint(value);
        int old = 0;
        while (at + old < m.length && (m[at + old] & 0x80) != 0) {
          old++;
        }
        old = Math.min(old + 1, m.length - at);
        byte[] out = new byte[m.length - old + varint.length];
        System.arraycopy(m, 0, out, 0, at);
        System.arraycopy(varint, 0, out, at, varint.length);
        System.arraycopy(m, at + old, out, at + varint.length, m.length - at - old);
        m = out;
      }
      case 3 -> {
        int at = random.nextInt(Math.max(1, m.length - 8));
        if (at + 8 <= m.length) {
          ByteBuffer.wrap(m, at, 8).putLong(EXTREMES[random.nextInt(EXTREMES.length)]);
        }
      }
      default -> {
        // the operation byte of a record: another stream, an end, a second passing
        List<Integer> ops = new java.util.ArrayList<>();
        for (int at = 0; at + 3 <= m.length; at += 3 + (((m[at + 1] & 0xff) << 8) | (m[at + 2] & 0xff))) {
          ops.add(at);
        }
        int at = ops.get(random.nextInt(ops.size()));
        m[at] = (byte) random.nextInt(16);
        if (random.nextBoolean()) {
          // and the whole input once more after itself: replays, duplicates, Hellos again
          byte[] twice = Arrays.copyOf(m, m.length * 2);
          System.arraycopy(m, 0, twice, m.length, m.length);
          m = twice;
        }
      }
    }
    return m;
  }

  private static byte[] varint(long value) {
    byte[] out = new byte[10];
    int n = 0;
    while ((value & ~0x7FL) != 0) {
      out[n++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out[n++] = (byte) value;
    return Arrays.copyOf(out, n);
  }
}
