package io.clustertop.kubernetes.history;

/**
 * One holder of an address from {@code from} until {@code until} (nanoseconds since the epoch;
 * {@link #OPEN} while it still holds it). The span's end as a lookup sees it is the earlier of its own
 * end and the next holder's start: a newer holder is proof that the older one let the address go.
 *
 * @param key who holds it, stable across changes of the holder's description (a pod's uid)
 */
record Span<T>(String key, T holder, long from, long until) {
  static final long OPEN = Long.MAX_VALUE;

  boolean open() {
    return until == OPEN;
  }
}
