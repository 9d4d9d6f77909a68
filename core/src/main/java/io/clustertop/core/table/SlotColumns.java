package io.clustertop.core.table;

import io.clustertop.core.window.Windows;
import java.util.Arrays;

/**
 * iftop's 2-second slots for many entries at once, in columns: per entry its figures since it began
 * (long), and a ring of {@link #RING} slots of int figures, one array per slot shared by every entry,
 * so a table of conversations or of rows costs a few arrays rather than an object per entry. A slot
 * figure that passes an int escapes to a long kept aside (the cell then holds a negative reference
 * to it); that is rare for one conversation (8 Gbit/s over a slot), common only for rows that add up
 * many.
 *
 * <p>The ring is the table's, not the entry's: every entry's slot {@code s} lives in the same column,
 * and the ring moves on when a slot after the latest is written: the columns left behind are cleared,
 * their figures noted in each entry's peaks first. Writes may land in any slot the ring still holds
 * (a view's rows take batches of many agents, whose latest slots differ by one or two), and older
 * slots count in the figures since the start only.
 *
 * <p>Why {@value #RING} slots: the 40-second average of a snapshot made as of the latest completed
 * slot L sums the 20 slots up to L, while batches keep arriving for L + 1 and, in the half second of
 * grace after a slot ends, for L + 2; 22 slots hold all of them, so nothing a reading needs has left
 * the ring.
 *
 * <p>Thread safety: none; its owner guards it. Performance: a write is an array add; reading an
 * entry's windows sums at most 20 cells per field; moving the ring on is one pass over a column.
 */
public final class SlotColumns implements SlotReader {
  public static final int RING = Windows.SLOTS + 2;
  /** No slot yet. */
  public static final long NONE = Long.MIN_VALUE;

  private final int fields;
  private final int peakFields;
  private final boolean keepsLastSlot;
  private int size;
  private int capacity;
  private final int[][] ring = new int[RING][];
  private long[] cumulative = new long[0];
  private long[] peaks = new long[0];
  private int[] lastSlot = new int[0];
  private long latest = NONE;
  /** Slot figures that passed an int, referenced from their cells as -(index + 1); free ones chained. */
  private long[] wide = new long[0];
  private int wideUsed;
  private int[] wideFree = new int[0];
  private int wideFreeCount;

  /**
   * @param fields values per entry per slot (4: a volume; 1: bytes)
   * @param peakFields peaks kept per entry: 0, 2 (sent and received bytes, fields 0 and 2), 3 (and both)
   * @param keepsLastSlot keep each entry's latest slot written (what folding the idlest reads)
   */
  public SlotColumns(int fields, int peakFields, boolean keepsLastSlot) {
    if (peakFields > 0 && fields != 4) {
      throw new IllegalArgumentException("peaks are kept of volumes (4 fields)");
    }
    this.fields = fields;
    this.peakFields = peakFields;
    this.keepsLastSlot = keepsLastSlot;
  }

  @Override
  public int fields() {
    return fields;
  }

  @Override
  public int peakFields() {
    return peakFields;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public long latest() {
    return latest;
  }

  /** A new entry at index {@link #size()}, all zero. */
  public int addEntry() {
    if (size == capacity) {
      reserve(size + 1);
    }
    if (keepsLastSlot) {
      lastSlot[size] = -1;
    }
    return size++;
  }

  /**
   * Room for {@code entries}: exactly that many when the table grows from nothing (a first batch, a
   * full state), else a quarter more than now, so the arrays hold little they do not use.
   */
  public void reserve(int entries) {
    if (entries > capacity) {
      grow(capacity == 0 ? entries : Math.max(entries, capacity + Math.max(4, capacity >> 2)));
    }
  }

  private void grow(int newCapacity) {
    for (int c = 0; c < RING; c++) {
      if (ring[c] != null) {
        ring[c] = Arrays.copyOf(ring[c], newCapacity * fields);
      }
    }
    cumulative = Arrays.copyOf(cumulative, newCapacity * fields);
    peaks = Arrays.copyOf(peaks, newCapacity * peakFields);
    if (keepsLastSlot) {
      lastSlot = Arrays.copyOf(lastSlot, newCapacity);
    }
    capacity = newCapacity;
  }

  /** Removes an entry; the last one takes its index (as {@link KeyIndex#remove} does). */
  public void removeEntry(int entry) {
    clearEntry(entry);
    int last = size - 1;
    if (entry != last) {
      for (int[] column : ring) {
        if (column != null) {
          System.arraycopy(column, last * fields, column, entry * fields, fields);
          Arrays.fill(column, last * fields, last * fields + fields, 0);
        }
      }
      System.arraycopy(cumulative, last * fields, cumulative, entry * fields, fields);
      Arrays.fill(cumulative, last * fields, last * fields + fields, 0);
      if (peakFields > 0) {
        System.arraycopy(peaks, last * peakFields, peaks, entry * peakFields, peakFields);
        Arrays.fill(peaks, last * peakFields, last * peakFields + peakFields, 0);
      }
      if (keepsLastSlot) {
        lastSlot[entry] = lastSlot[last];
      }
    }
    size--;
  }

  /** Everything of one entry back to zero. */
  public void clearEntry(int entry) {
    for (int[] column : ring) {
      if (column != null) {
        for (int f = 0; f < fields; f++) {
          freeCell(column, entry * fields + f);
        }
      }
    }
    Arrays.fill(cumulative, entry * fields, entry * fields + fields, 0);
    if (peakFields > 0) {
      Arrays.fill(peaks, entry * peakFields, entry * peakFields + peakFields, 0);
    }
    if (keepsLastSlot) {
      lastSlot[entry] = -1;
    }
  }

  /** Every entry gone, the ring cleared. */
  public void clear() {
    Arrays.fill(ring, null);
    Arrays.fill(cumulative, 0);
    Arrays.fill(peaks, 0);
    size = 0;
    latest = NONE;
    wide = new long[0];
    wideUsed = 0;
    wideFreeCount = 0;
  }

  /**
   * Moves the ring on to {@code slot} (nothing if it is not after the latest): the columns of the
   * slots that leave it are noted in the peaks, then cleared for the new slots.
   */
  public void moveTo(long slot) {
    if (slot <= latest) {
      return;
    }
    long from = latest == NONE ? slot - RING + 1 : Math.max(latest + 1, slot - RING + 1);
    for (long s = from; s <= slot; s++) {
      int c = column(s);
      int[] column = ring[c];
      if (column != null) {
        if (latest != NONE && s - RING > latest - RING) {
          notePeaks(column); // it held slot s - RING, which leaves the ring now
        }
        for (int i = 0; i < size * fields; i++) {
          if (column[i] < 0) {
            releaseWide(-column[i] - 1);
          }
        }
        Arrays.fill(column, 0, size * fields, 0);
      }
    }
    latest = slot;
  }

  private void notePeaks(int[] column) {
    if (peakFields == 0) {
      return;
    }
    for (int e = 0; e < size; e++) {
      long sent = value(column, e * fields);
      long received = value(column, e * fields + 2);
      int p = e * peakFields;
      peaks[p] = Math.max(peaks[p], sent);
      peaks[p + 1] = Math.max(peaks[p + 1], received);
      if (peakFields == 3) {
        peaks[p + 2] = Math.max(peaks[p + 2], sent + received);
      }
    }
  }

  /** The ring holds {@code slot} (after {@link #moveTo} to at least it). */
  public boolean holds(long slot) {
    return latest != NONE && slot <= latest && slot > latest - RING;
  }

  /**
   * Adds {@code value} to one field of an entry in {@code slot}: into the slot if the ring holds it
   * (moving the ring on first if the slot is new), and into the figures since the start in any case.
   * {@link #NONE} as the slot: older than any slot (what a full state knows beyond its slots).
   */
  public void add(int entry, long slot, int field, long value) {
    if (value == 0) {
      return;
    }
    cumulative[entry * fields + field] += value;
    if (slot == NONE) {
      return;
    }
    if (slot > latest) {
      moveTo(slot);
    }
    if (slot > latest - RING) {
      addCell(columnFor(slot), entry * fields + field, value);
    }
    if (keepsLastSlot && slot > lastSlot[entry]) {
      lastSlot[entry] = (int) slot;
    }
  }

  /** Marks an entry written in {@code slot} without a figure (a conversation's first, empty write). */
  public void touch(int entry, long slot) {
    if (keepsLastSlot && slot != NONE && slot > lastSlot[entry]) {
      lastSlot[entry] = (int) slot;
    }
  }

  /**
   * Adds one entry of {@code source} into an entry of this table, field by field as {@code map}
   * says (this table's field {@code f} takes the source's field {@code map[f]}, none where it is
   * -1), times {@code sign} (1 adds, -1 takes back what was added): the figures since the start, the
   * slots both rings hold, and (adding) the source's noted peaks, as the mapping turns them.
   */
  public void addFrom(SlotReader source, int sourceEntry, int entry, int[] map, int sign) {
    for (int f = 0; f < fields; f++) {
      if (map[f] >= 0) {
        cumulative[entry * fields + f] += sign * source.cumulative(sourceEntry, map[f]);
      }
    }
    long sourceLatest = source.latest();
    if (sourceLatest != NONE) {
      if (sourceLatest > latest) {
        moveTo(sourceLatest);
      }
      SlotColumns columns = source instanceof SlotColumns c ? c : null;
      for (long s = Math.max(sourceLatest - RING + 1, latest - RING + 1); s <= sourceLatest; s++) {
        int[] from = columns == null ? null : columns.ring[column(s)];
        if (columns != null && from == null) {
          continue; // the source never wrote that slot
        }
        int[] column = null;
        for (int f = 0; f < fields; f++) {
          if (map[f] < 0) {
            continue;
          }
          long v = columns != null ? columns.value(from, sourceEntry * columns.fields + map[f])
              : source.cell(sourceEntry, s, map[f]);
          if (v != 0) {
            if (column == null) {
              column = columnFor(s);
            }
            addCell(column, entry * fields + f, sign * v);
          }
        }
      }
    }
    if (sign > 0 && peakFields > 0 && source.peakFields() > 0) {
      long sent = mappedPeak(source, sourceEntry, map[0]);
      long received = mappedPeak(source, sourceEntry, map[2]);
      // The source's slots older than this ring were not copied: they are complete, and count as peaks.
      long both = 0;
      if (sourceLatest != NONE) {
        for (long s = sourceLatest - RING + 1; s <= Math.min(sourceLatest, latest - RING); s++) {
          long sentInSlot = map[0] < 0 ? 0 : source.cell(sourceEntry, s, map[0]);
          long receivedInSlot = map[2] < 0 ? 0 : source.cell(sourceEntry, s, map[2]);
          sent = Math.max(sent, sentInSlot);
          received = Math.max(received, receivedInSlot);
          both = Math.max(both, sentInSlot + receivedInSlot);
        }
      }
      int p = entry * peakFields;
      peaks[p] = Math.max(peaks[p], sent);
      peaks[p + 1] = Math.max(peaks[p + 1], received);
      if (peakFields == 3) {
        both = Math.max(both, source.peakFields() == 3 && map[0] == 0 && map[2] == 2
            ? source.notedPeak(sourceEntry, 2) : Math.max(sent, received));
        peaks[p + 2] = Math.max(peaks[p + 2], both);
      }
    }
    if (keepsLastSlot && sign > 0) {
      long last = source.lastSlot(sourceEntry);
      if (last > lastSlot[entry]) {
        lastSlot[entry] = (int) last;
      }
    }
  }

  /**
   * Notes figures of one slot among an entry's peaks: a slot this ring no longer holds, written to
   * late (what {@link #addFrom} does with the source's slots older than this ring).
   */
  public void notePeak(int entry, long sent, long received) {
    int p = entry * peakFields;
    peaks[p] = Math.max(peaks[p], sent);
    peaks[p + 1] = Math.max(peaks[p + 1], received);
    if (peakFields == 3) {
      peaks[p + 2] = Math.max(peaks[p + 2], sent + received);
    }
  }

  /** The source's noted peak of the bytes field it maps from: sent (0) or received (2) bytes. */
  private static long mappedPeak(SlotReader source, int entry, int sourceField) {
    return sourceField == 0 ? source.notedPeak(entry, 0) : sourceField == 2 ? source.notedPeak(entry, 1) : 0;
  }

  @Override
  public long cumulative(int entry, int field) {
    return cumulative[entry * fields + field];
  }

  @Override
  public long cell(int entry, long slot, int field) {
    if (!holds(slot)) {
      return 0;
    }
    int[] column = ring[column(slot)];
    return column == null ? 0 : value(column, entry * fields + field);
  }

  @Override
  public long notedPeak(int entry, int which) {
    return peaks[entry * peakFields + which];
  }

  @Override
  public long lastSlot(int entry) {
    return keepsLastSlot ? lastSlot[entry] : -1;
  }

  /**
   * Adds the entry's window sums as of {@code latestCompleted} into {@code into} from {@code offset}:
   * for each of {@link Windows}' averages, each field ({@code into[offset + window * fields + field]}).
   */
  public void addWindows(int entry, long latestCompleted, long[] into, int offset) {
    for (int k = 0; k < Windows.SLOTS; k++) {
      long s = latestCompleted - k;
      if (!holds(s)) {
        continue;
      }
      int[] column = ring[column(s)];
      if (column == null) {
        continue;
      }
      for (int f = 0; f < fields; f++) {
        long v = value(column, entry * fields + f);
        if (v == 0) {
          continue;
        }
        for (int w = 0; w < Windows.COUNT; w++) {
          if (k < Windows.slots(w)) {
            into[offset + w * fields + f] += v;
          }
        }
      }
    }
  }

  /**
   * Every entry's windows ({@link #addWindows}: into {@code windows}, all zeros before, {@link
   * Windows#COUNT} x fields per entry) and peaks ({@link #peak}: sent and received bytes, two per entry in {@code
   * peaksInto}) as of {@code latestCompleted}, in one pass: a block of entries at a time, each held
   * slot's column read in runs, each slot's cell added once, to the band of slots it is in (the
   * latest; the four before; the fifteen before those), the windows summed from the bands after. A
   * frame of a million rows reads each cell once and keeps the block's figures in the cache.
   */
  public void readAll(long latestCompleted, long[] windows, long[] peaksInto) {
    int[][] columns = new int[RING][];
    int[] band = new int[RING]; // the first window a slot is in; COUNT for none (a peak only)
    int held = 0;
    if (latest != NONE) {
      for (long s = latest - RING + 1; s <= Math.min(latest, latestCompleted); s++) {
        int[] column = ring[column(s)];
        if (column != null) {
          long age = latestCompleted - s;
          int first = 0;
          while (first < Windows.COUNT && age >= Windows.slots(first)) {
            first++;
          }
          columns[held] = column;
          band[held++] = first;
        }
      }
    }
    int stride = Windows.COUNT * fields;
    for (int e = 0; e < size; e++) {
      peaksInto[e * 2] = peakFields == 0 ? 0 : peaks[e * peakFields];
      peaksInto[e * 2 + 1] = peakFields == 0 ? 0 : peaks[e * peakFields + 1];
    }
    for (int from = 0; from < size; from += READ_BLOCK) {
      int to = Math.min(size, from + READ_BLOCK);
      for (int c = 0; c < held; c++) {
        int[] column = columns[c];
        int w = band[c];
        if (fields == 4) {
          for (int e = from; e < to; e++) {
            readFour(column, e, w, windows, peaksInto);
          }
          continue;
        }
        for (int e = from; e < to; e++) {
          for (int f = 0; f < fields; f++) {
            int v = column[e * fields + f];
            if (v == 0) {
              continue;
            }
            long value = v >= 0 ? v : wide[-v - 1];
            if (f == 0 || f == 2) {
              int p = e * 2 + (f >> 1);
              peaksInto[p] = Math.max(peaksInto[p], value);
            }
            if (w < Windows.COUNT) {
              windows[e * stride + w * fields + f] += value;
            }
          }
        }
      }
      // Bands to windows: each window holds the bands up to its own.
      for (int e = from; e < to; e++) {
        for (int w = 1; w < Windows.COUNT; w++) {
          for (int f = 0; f < fields; f++) {
            windows[e * stride + w * fields + f] += windows[e * stride + (w - 1) * fields + f];
          }
        }
      }
    }
  }

  /** {@link #readAll}'s step for one entry of four fields (a view's rows): one slot into its band. */
  private void readFour(int[] column, int e, int band, long[] windows, long[] peaksInto) {
    int cell = e * 4;
    int v0 = column[cell];
    int v1 = column[cell + 1];
    int v2 = column[cell + 2];
    int v3 = column[cell + 3];
    if ((v0 | v1 | v2 | v3) == 0) {
      return;
    }
    long x0 = v0 >= 0 ? v0 : wide[-v0 - 1];
    long x2 = v2 >= 0 ? v2 : wide[-v2 - 1];
    peaksInto[e * 2] = Math.max(peaksInto[e * 2], x0);
    peaksInto[e * 2 + 1] = Math.max(peaksInto[e * 2 + 1], x2);
    if (band < Windows.COUNT) {
      int o = (e * Windows.COUNT + band) * 4;
      windows[o] += x0;
      windows[o + 1] += v1 >= 0 ? v1 : wide[-v1 - 1];
      windows[o + 2] += x2;
      windows[o + 3] += v3 >= 0 ? v3 : wide[-v3 - 1];
    }
  }

  /** Entries {@link #readAll} takes at a time. */
  private static final int READ_BLOCK = 2048;

  /**
   * The entry's peak one-slot figure (0: sent bytes, 1: received bytes, 2: both) as of {@code
   * latestCompleted}: the highest noted, or of any completed slot the ring still holds.
   */
  public long peak(int entry, int which, long latestCompleted) {
    long peak = peaks[entry * peakFields + which];
    for (long s = Math.max(latest - RING + 1, Long.MIN_VALUE + RING); s <= Math.min(latest, latestCompleted); s++) {
      int[] column = ring[column(s)];
      if (column == null) {
        continue;
      }
      long sent = value(column, entry * fields);
      long received = value(column, entry * fields + 2);
      peak = Math.max(peak, which == 0 ? sent : which == 1 ? received : sent + received);
    }
    return peak;
  }

  private int[] columnFor(long slot) {
    int c = column(slot);
    if (ring[c] == null) {
      ring[c] = new int[capacity * fields];
    }
    return ring[c];
  }

  private static int column(long slot) {
    return (int) Math.floorMod(slot, (long) RING);
  }

  private long value(int[] column, int cell) {
    int v = column[cell];
    return v >= 0 ? v : wide[-v - 1];
  }

  private void addCell(int[] column, int cell, long delta) {
    int v = column[cell];
    if (v < 0) {
      wide[-v - 1] += delta;
      return;
    }
    long sum = v + delta;
    if (sum >= 0 && sum <= Integer.MAX_VALUE) {
      column[cell] = (int) sum;
    } else {
      int w = allocateWide();
      wide[w] = sum;
      column[cell] = -(w + 1);
    }
  }

  private void freeCell(int[] column, int cell) {
    if (column[cell] < 0) {
      releaseWide(-column[cell] - 1);
    }
    column[cell] = 0;
  }

  private int allocateWide() {
    if (wideFreeCount > 0) {
      return wideFree[--wideFreeCount];
    }
    if (wideUsed == wide.length) {
      wide = Arrays.copyOf(wide, Math.max(8, wide.length * 2));
    }
    return wideUsed++;
  }

  private void releaseWide(int w) {
    wide[w] = 0;
    if (wideFreeCount == wideFree.length) {
      wideFree = Arrays.copyOf(wideFree, Math.max(8, wideFree.length * 2));
    }
    wideFree[wideFreeCount++] = w;
  }

  /** Slot figures kept as longs now (for tests and the heap figures). */
  public int wideCells() {
    return wideUsed - wideFreeCount;
  }

  /** What the arrays take on the heap, headers left out. */
  public long heapBytes() {
    long bytes = 8L * cumulative.length + 8L * peaks.length + 4L * lastSlot.length + 8L * wide.length
        + 4L * wideFree.length;
    for (int[] column : ring) {
      bytes += column == null ? 0 : 4L * column.length;
    }
    return bytes;
  }
}
