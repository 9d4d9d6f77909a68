package io.clustertop.collector.merge;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.report.Flows;
import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * What stands for each remote address of an agent's batches under {@code --mask-remote}, remembered:
 * an agent sends the same conversations second after second, so a remote's stand-in (a search among
 * candidates, and under {@code hash} an HMAC each) is decided at its first batch and read back,
 * without an object, at every later one. The stand-in depends on who the nodes are and where they
 * run, so the memory is for one membership (the merge's tag generation): a new one starts afresh.
 *
 * <p>Bounded by the agent's own batches: twice the slots of its largest batch's flows (at least
 * {@link #MIN_SLOTS}), filled to three quarters at most; past that it starts afresh, so an agent
 * whose remotes keep changing costs what a batch costs, not what its history would.
 *
 * <p>Thread safety: none; its agent's monitor guards it, as every figure of the agent.
 */
final class MaskedRemotes {
  /** Per slot: the remote's high and low words, its version (0: empty), its stand-in's high and low. */
  private static final int FIELDS = 5;
  private static final int MIN_SLOTS = 64;

  private long[] table = new long[0]; // made at the first batch masked
  private int size;
  private int generation = -1;

  /**
   * Puts in place of each remote of {@code flows} its stand-in: remembered, or {@code standIn}'s
   * (once per remote and membership {@code generation}).
   */
  void mask(Flows flows, int generation, UnaryOperator<IpAddress> standIn) {
    int slotsWanted = Integer.highestOneBit(Math.max(MIN_SLOTS, flows.size() * 2) - 1) << 1;
    if (table.length < slotsWanted * FIELDS) {
      table = new long[slotsWanted * FIELDS];
      size = 0;
    } else if (generation != this.generation) {
      clear();
    }
    this.generation = generation;
    for (int i = 0; i < flows.size(); i++) {
      int version = PackedKey.version(flows.keyField(i, PackedKey.META));
      long high = flows.keyField(i, PackedKey.REMOTE_HIGH);
      long low = flows.keyField(i, PackedKey.REMOTE_LOW);
      int s = slot(version, high, low);
      if (table[s + 2] == 0) {
        if (size >= (table.length / FIELDS) * 3 / 4) {
          clear();
          s = slot(version, high, low);
        }
        IpAddress masked = standIn.apply(new IpAddress(version, high, low));
        table[s] = high;
        table[s + 1] = low;
        table[s + 2] = version;
        table[s + 3] = masked.high();
        table[s + 4] = masked.low();
        size++;
      }
      if (table[s + 3] != high || table[s + 4] != low) {
        flows.setRemote(i, table[s + 3], table[s + 4]);
      }
    }
  }

  /** The slot (its first field) that holds the address, or the empty one where it would go. */
  private int slot(int version, long high, long low) {
    int mask = table.length / FIELDS - 1;
    long h = (high * 0x9E37_79B9_7F4A_7C15L) ^ low ^ version;
    h ^= h >>> 31;
    h *= 0xBF58_476D_1CE4_E5B9L;
    h ^= h >>> 29;
    for (int i = (int) h & mask; ; i = (i + 1) & mask) {
      int s = i * FIELDS;
      if (table[s + 2] == 0 || (table[s + 2] == version && table[s] == high && table[s + 1] == low)) {
        return s;
      }
    }
  }

  private void clear() {
    Arrays.fill(table, 0);
    size = 0;
  }
}
