package io.clustertop.core.rows;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Placements as small ints, so a conversation holds an int beside its tag, and each part of a
 * placement as an id of a {@link NameTable}, so a view's row key is an int read from an array: the
 * placement of a conversation is decided once and read per batch without a lookup.
 *
 * <p>Bounded: past {@code max} placements a new one is not kept; the conversation gets {@link #FULL}
 * (every part named "(untracked)"), counted in {@link #refused()}. Ids are never reused: processes
 * and pods come and go, so a collector that runs for months meets the bound (the default, a million,
 * holds about 100 MB of names at most).
 *
 * <p>Thread safety: safe; lookups of known placements take no lock.
 */
public final class Placements {
  /** The id of {@link Placement#UNKNOWN}. */
  public static final int UNKNOWN = 0;
  /** The id every new placement gets past the bound. */
  public static final int FULL = 1;
  public static final String UNTRACKED = "(untracked)";
  private static final Grouping[] PARTS = Arrays.stream(Grouping.values()).filter(Grouping::byPlacement)
      .toArray(Grouping[]::new);
  private static final int FIRST = PARTS[0].ordinal();

  private final int max;
  private final NameTable names = new NameTable();
  private final ConcurrentHashMap<Placement, Integer> ids = new ConcurrentHashMap<>();
  /** Per placement id: its parts' name ids, then their parents', by grouping. */
  private volatile int[][] parts = new int[16][];
  private int count;
  private final AtomicLong refused = new AtomicLong();

  public Placements(int max) {
    if (max < 2) {
      throw new IllegalArgumentException("at least 2 placements");
    }
    this.max = max;
    add(Placement.UNKNOWN);
    add(new Placement(UNTRACKED, UNTRACKED, UNTRACKED, UNTRACKED, UNTRACKED, UNTRACKED));
  }

  /** The id of {@code p}, added if new (or {@link #FULL} past the bound). */
  public int id(Placement p) {
    Integer id = ids.get(p);
    return id != null ? id : add(p);
  }

  private synchronized int add(Placement p) {
    Integer id = ids.get(p);
    if (id != null) {
      return id;
    }
    if (count == max) {
      refused.incrementAndGet();
      return FULL;
    }
    int[] row = new int[PARTS.length * 2];
    for (int i = 0; i < PARTS.length; i++) {
      row[i] = names.id(p.part(PARTS[i]));
      row[PARTS.length + i] = names.id(p.parent(PARTS[i]));
    }
    int[][] all = parts;
    if (count == all.length) {
      all = Arrays.copyOf(all, all.length * 2);
    }
    all[count] = row;
    parts = all;
    ids.put(p, count);
    return count++;
  }

  /** The name id of the part of placement {@code id} that {@code grouping}'s rows stand for. */
  public int nameId(int id, Grouping grouping) {
    return parts[id][grouping.ordinal() - FIRST];
  }

  /** The name id of the part one level up ({@link Placement#parent}). */
  public int parentId(int id, Grouping grouping) {
    return parts[id][PARTS.length + grouping.ordinal() - FIRST];
  }

  /** The id of a name (added if new: a pod's view may be asked for before the pod is seen). */
  public int nameIdOf(String name) {
    return names.id(name);
  }

  public String name(int nameId) {
    return names.name(nameId);
  }

  public synchronized int size() {
    return count;
  }

  /** Placements not kept at the bound. */
  public long refused() {
    return refused.get();
  }
}
