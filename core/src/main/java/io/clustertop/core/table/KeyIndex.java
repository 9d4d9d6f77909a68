package io.clustertop.core.table;

import java.util.Arrays;

/**
 * Entries identified by a key of five longs (a {@link io.clustertop.core.flow.PackedKey}, or a
 * view's row key), found by open addressing: a table of ints pointing at the keys. Words 1, 3 and 4
 * (the low words of the two addresses, and the meta word) sit side by side, so comparing a key
 * reads one place; words 0 and 2 (the high words of IPv6 addresses) are columns of their own, left
 * unallocated while every key has 0 there (IPv4). Entries are dense, 0 to {@link #size()} - 1;
 * removing one moves the last into its place, which the tables built on it mirror in their own
 * columns.
 *
 * <p>Thread safety: none; its owner guards it.
 */
public final class KeyIndex {
  public static final int WIDTH = 5;

  /** Words 1, 3, 4 of each key, three per entry. */
  private long[] words = new long[0];
  /** Words 0 and 2, when any key has them. */
  private long[] high0;
  private long[] high2;
  private int size;
  private int capacity;
  /** Entry index + 1 by hash, 0 where empty; linear probing, at most half full. */
  private int[] table = new int[8];

  public int size() {
    return size;
  }

  /** The entry with this key, or -1. */
  public int find(long k0, long k1, long k2, long k3, long k4) {
    int mask = table.length - 1;
    for (int i = hash(k0, k1, k2, k3, k4) & mask; ; i = (i + 1) & mask) {
      int e = table[i] - 1;
      if (e < 0) {
        return -1;
      }
      if (matches(e, k0, k1, k2, k3, k4)) {
        return e;
      }
    }
  }

  /** Adds a key that is not there; its entry is {@link #size()} before the call. */
  public int add(long k0, long k1, long k2, long k3, long k4) {
    if (size == capacity) {
      reserve(size + 1);
    }
    if ((size + 1) * 2 > table.length) {
      rehash(table.length * 2);
    }
    int e = size++;
    words[3 * e] = k1;
    words[3 * e + 1] = k3;
    words[3 * e + 2] = k4;
    if (k0 != 0 && high0 == null) {
      high0 = new long[capacity];
    }
    if (high0 != null) {
      high0[e] = k0;
    }
    if (k2 != 0 && high2 == null) {
      high2 = new long[capacity];
    }
    if (high2 != null) {
      high2[e] = k2;
    }
    insert(e);
    return e;
  }

  /** Room for {@code entries}, grown as {@link SlotColumns#reserve} grows. */
  public void reserve(int entries) {
    if (entries > capacity) {
      capacity = capacity == 0 ? entries : Math.max(entries, capacity + Math.max(4, capacity >> 2));
      words = Arrays.copyOf(words, 3 * capacity);
      if (high0 != null) {
        high0 = Arrays.copyOf(high0, capacity);
      }
      if (high2 != null) {
        high2 = Arrays.copyOf(high2, capacity);
      }
    }
    int tableSize = Integer.highestOneBit(Math.max(8, entries * 2 - 1)) << 1;
    if (tableSize > table.length) {
      rehash(tableSize);
    }
  }

  /** Removes an entry: the last one takes its index. */
  public void remove(int entry) {
    deleteFromTable(entry);
    int last = size - 1;
    if (entry != last) {
      int slot = slotOf(last);
      System.arraycopy(words, 3 * last, words, 3 * entry, 3);
      if (high0 != null) {
        high0[entry] = high0[last];
      }
      if (high2 != null) {
        high2[entry] = high2[last];
      }
      table[slot] = entry + 1;
    }
    Arrays.fill(words, 3 * last, 3 * last + 3, 0);
    if (high0 != null) {
      high0[last] = 0;
    }
    if (high2 != null) {
      high2[last] = 0;
    }
    size--;
  }

  /** Every entry gone. */
  public void clear() {
    words = new long[0];
    high0 = null;
    high2 = null;
    Arrays.fill(table, 0);
    size = 0;
    capacity = 0;
  }

  public long get(int entry, int column) {
    return switch (column) {
      case 0 -> high0 == null ? 0 : high0[entry];
      case 1 -> words[3 * entry];
      case 2 -> high2 == null ? 0 : high2[entry];
      case 3 -> words[3 * entry + 1];
      default -> words[3 * entry + 2];
    };
  }

  private boolean matches(int e, long k0, long k1, long k2, long k3, long k4) {
    int w = 3 * e;
    return words[w + 2] == k4 && words[w + 1] == k3 && words[w] == k1
        && (high2 == null ? k2 == 0 : high2[e] == k2) && (high0 == null ? k0 == 0 : high0[e] == k0);
  }

  private int hashOf(int e) {
    return hash(get(e, 0), get(e, 1), get(e, 2), get(e, 3), get(e, 4));
  }

  private void insert(int e) {
    int mask = table.length - 1;
    int i = hashOf(e) & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = e + 1;
  }

  private int slotOf(int e) {
    int mask = table.length - 1;
    for (int i = hashOf(e) & mask; ; i = (i + 1) & mask) {
      if (table[i] == e + 1) {
        return i;
      }
    }
  }

  /** Backward-shift deletion: the entries after the hole in its probe run move up, so lookups still find them. */
  private void deleteFromTable(int e) {
    int mask = table.length - 1;
    int hole = slotOf(e);
    table[hole] = 0;
    for (int i = (hole + 1) & mask; table[i] != 0; i = (i + 1) & mask) {
      int home = hashOf(table[i] - 1) & mask;
      // The entry at i may fill the hole if its home is not in (hole, i] (cyclically).
      boolean between = hole <= i ? home > hole && home <= i : home > hole || home <= i;
      if (!between) {
        table[hole] = table[i];
        table[i] = 0;
        hole = i;
      }
    }
  }

  private void rehash(int length) {
    table = new int[length];
    for (int e = 0; e < size; e++) {
      insert(e);
    }
  }

  /** Mixes every bit of the five words (splitmix64's finalizer after each). */
  static int hash(long k0, long k1, long k2, long k3, long k4) {
    long h = mix(k0 + 0x9E37_79B9_7F4A_7C15L);
    h = mix(h ^ k1);
    h = mix(h ^ k2);
    h = mix(h ^ k3);
    h = mix(h ^ k4);
    return (int) (h ^ (h >>> 32));
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }

  /** What the arrays take on the heap, headers left out. */
  public long heapBytes() {
    return 4L * table.length + 8L * words.length + (high0 == null ? 0 : 8L * high0.length)
        + (high2 == null ? 0 : 8L * high2.length);
  }
}
