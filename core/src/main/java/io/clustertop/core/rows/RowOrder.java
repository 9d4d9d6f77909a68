package io.clustertop.core.rows;

import io.clustertop.core.view.NameOrder;
import io.clustertop.core.view.SortOrder;

/**
 * A frame's rows in a display order, as iftop sorts (and the agent's own table:
 * {@code ConversationTable.order}): by one of the averages, largest first, ties by cumulative
 * bytes, then by addresses; or by source or destination address. Ties that remain (rows without
 * hosts: nodes, classes, placements) go by the names the rows stand for ({@link NameOrder}, as the
 * relay and the agent's table break them), then by the row's key, so the order is the same however
 * the rows were made and whatever ids this collector gave the names.
 * Sorted on indices with the frame's primitive arrays, no object per row.
 */
final class RowOrder {
  private RowOrder() {}

  @FunctionalInterface
  interface RowComparator {
    int compare(int a, int b);
  }

  static int[] sorted(Frame f, SortOrder sort) {
    int[] order = new int[f.rows];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    mergeSort(order, new int[order.length], 0, order.length, comparator(f, sort));
    return order;
  }

  static RowComparator comparator(Frame f, SortOrder sort) {
    RowComparator byCumulative = (a, b) -> Long.compare(f.cumulativeBytes(b), f.cumulativeBytes(a));
    RowComparator byAddresses = (a, b) -> addresses(f, a, b);
    RowComparator byNames = (a, b) -> names(f, a, b);
    RowComparator byKey = (a, b) -> key(f, a, b);
    RowComparator last = (a, b) -> {
      int c = byNames.compare(a, b);
      return c != 0 ? c : byKey.compare(a, b);
    };
    return switch (sort) {
      case LAST_2S, LAST_10S, LAST_40S -> {
        int w = sort.ordinal();
        yield (a, b) -> {
          int c = Long.compare(f.windowBytes(b, w), f.windowBytes(a, w));
          if (c == 0) {
            c = byCumulative.compare(a, b);
          }
          if (c == 0) {
            c = byAddresses.compare(a, b);
          }
          return c != 0 ? c : last.compare(a, b);
        };
      }
      case SOURCE -> (a, b) -> {
        int c = byAddresses.compare(a, b);
        if (c == 0) {
          c = byCumulative.compare(a, b);
        }
        return c != 0 ? c : last.compare(a, b);
      };
      case DESTINATION -> (a, b) -> {
        int c = host(f, a, b, false);
        if (c == 0) {
          c = byAddresses.compare(a, b);
        }
        if (c == 0) {
          c = byCumulative.compare(a, b);
        }
        return c != 0 ? c : last.compare(a, b);
      };
    };
  }

  /** Left host (none first), right host, left port, right port, protocol. */
  private static int addresses(Frame f, int a, int b) {
    int c = host(f, a, b, true);
    if (c == 0) {
      c = host(f, a, b, false);
    }
    if (c == 0) {
      c = Integer.compare(port(f, a, true), port(f, b, true));
    }
    if (c == 0) {
      c = Integer.compare(port(f, a, false), port(f, b, false));
    }
    return c != 0 ? c : Integer.compare(RowKeys.protocol(f.key(a, 4)), RowKeys.protocol(f.key(b, 4)));
  }

  /** As {@link io.clustertop.core.flow.IpAddress#compareTo}, a missing host first. */
  private static int host(Frame f, int a, int b, boolean left) {
    long flag = left ? RowKeys.LEFT_HOST : RowKeys.RIGHT_HOST;
    long metaA = f.key(a, 4);
    long metaB = f.key(b, 4);
    boolean hasA = (metaA & flag) != 0;
    boolean hasB = (metaB & flag) != 0;
    if (!hasA || !hasB) {
      return Boolean.compare(hasA, hasB);
    }
    int c = Boolean.compare((metaA & RowKeys.V6) != 0, (metaB & RowKeys.V6) != 0);
    int word = left ? 0 : 2;
    if (c == 0) {
      c = Long.compareUnsigned(f.key(a, word), f.key(b, word));
    }
    return c != 0 ? c : Long.compareUnsigned(f.key(a, word + 1), f.key(b, word + 1));
  }

  private static int port(Frame f, int row, boolean left) {
    long meta = f.key(row, 4);
    if (left) {
      return (meta & RowKeys.LEFT_PORT) == 0 ? -1 : (int) (meta >>> 16) & 0xFFFF;
    }
    return (meta & RowKeys.RIGHT_PORT) == 0 ? -1 : (int) meta & 0xFFFF;
  }

  /** By the names the rows stand for, as {@link NameOrder} orders rows: owner, destination class, node. */
  private static int names(Frame f, int a, int b) {
    Grouping g = f.spec.grouping();
    Labels labels = f.context.labels();
    return NameOrder.compare(owner(f, g, labels, a), destinationClass(f, g, labels, a), node(f, g, labels, a),
        owner(f, g, labels, b), destinationClass(f, g, labels, b), node(f, g, labels, b));
  }

  private static String owner(Frame f, Grouping g, Labels labels, int row) {
    return g.byPlacement() ? labels.placementName((int) f.key(row, 1)) : "";
  }

  private static String destinationClass(Frame f, Grouping g, Labels labels, int row) {
    return g == Grouping.DESTINATION_CLASSES ? labels.className((int) f.key(row, 1)) : "";
  }

  /**
   * The node a row names where it is part of the row (a node's row, a process's or container's);
   * "" elsewhere: a row of the whole cluster names its reporters, but its owner or class is its own
   * already, so two rows never tie up to there (the relay's rows compare alike).
   */
  private static String node(Frame f, Grouping g, Labels labels, int row) {
    if (g == Grouping.NODES) {
      return labels.nodeName((int) f.key(row, 1));
    }
    return g.perNode() ? labels.nodeName((int) f.key(row, 0) - 1) : "";
  }

  private static int key(Frame f, int a, int b) {
    for (int k = 0; k < 5; k++) {
      int c = Long.compareUnsigned(f.key(a, k), f.key(b, k));
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /**
   * The first {@code limit} rows in {@code sort}'s order, in order: a bounded heap of the best so far
   * (n log limit comparisons), for a display that shows tens of rows of many thousands.
   */
  static int[] top(Frame f, SortOrder sort, int limit) {
    int n = Math.min(limit, f.rows);
    RowComparator c = comparator(f, sort);
    int[] heap = new int[n]; // the worst kept at the head
    int size = 0;
    for (int r = 0; r < f.rows && n > 0; r++) {
      if (size < n) {
        heap[size] = r;
        siftUp(heap, size++, c);
      } else if (c.compare(r, heap[0]) < 0) {
        heap[0] = r;
        siftDown(heap, size, c);
      }
    }
    int[] ordered = java.util.Arrays.copyOf(heap, size);
    mergeSort(ordered, new int[size], 0, size, c);
    return ordered;
  }

  private static void siftUp(int[] heap, int i, RowComparator c) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (c.compare(heap[i], heap[parent]) <= 0) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[parent];
      heap[parent] = t;
      i = parent;
    }
  }

  private static void siftDown(int[] heap, int size, RowComparator c) {
    int i = 0;
    while (true) {
      int worst = i;
      int left = 2 * i + 1;
      int right = left + 1;
      if (left < size && c.compare(heap[left], heap[worst]) > 0) {
        worst = left;
      }
      if (right < size && c.compare(heap[right], heap[worst]) > 0) {
        worst = right;
      }
      if (worst == i) {
        return;
      }
      int t = heap[i];
      heap[i] = heap[worst];
      heap[worst] = t;
      i = worst;
    }
  }

  /** Stable, on indices. */
  private static void mergeSort(int[] a, int[] scratch, int from, int to, RowComparator c) {
    if (to - from < 2) {
      return;
    }
    if (to - from <= 16) {
      for (int i = from + 1; i < to; i++) {
        int x = a[i];
        int j = i - 1;
        while (j >= from && c.compare(a[j], x) > 0) {
          a[j + 1] = a[j];
          j--;
        }
        a[j + 1] = x;
      }
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, scratch, from, mid, c);
    mergeSort(a, scratch, mid, to, c);
    if (c.compare(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, scratch, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || i < mid && c.compare(scratch[i], scratch[j]) <= 0) {
        a[k] = scratch[i++];
      } else {
        a[k] = scratch[j++];
      }
    }
  }
}
