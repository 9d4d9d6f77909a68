package io.clustertop.kubernetes.history;

import java.util.Arrays;

/**
 * Who held one address, over time: a few spans sorted by start. Pod addresses are reused within
 * seconds of a pod's end, and a conversation belongs to the pod that held the address when its bytes
 * were counted, which can be minutes before the collector applies them (an agent buffers up to ten
 * minutes while the collector is away).
 *
 * <p>Thread safety: one writer at a time ({@link AddressTable} holds the lock), readers without a
 * lock: the spans are an immutable array, replaced whole on each change and published through a
 * volatile field. Performance: {@link #holderAt} allocates nothing and scans from the newest span,
 * usually the first it looks at.
 */
final class AddressHistory<T> {
  @SuppressWarnings("rawtypes")
  private static final Span[] NONE = new Span[0];

  @SuppressWarnings("unchecked")
  private volatile Span<T>[] spans = NONE;

  /** The holder at that time, or null when nobody held the address then (as far as we saw). */
  T holderAt(long unixNanos) {
    Span<T>[] s = spans;
    for (int i = s.length - 1; i >= 0; i--) {
      Span<T> span = s[i];
      if (span.from() <= unixNanos) {
        long until = i + 1 < s.length ? Math.min(span.until(), s[i + 1].from()) : span.until();
        return unixNanos < until ? span.holder() : null;
      }
    }
    return null;
  }

  /**
   * {@code key} holds the address from {@code from} on. A holder already holding it keeps its span;
   * a holder that had let it go starts a new one. Returns how many old spans were dropped to keep
   * at most {@code maxSpans}.
   */
  int open(String key, T holder, long from, int maxSpans) {
    Span<T>[] s = spans;
    for (Span<T> span : s) {
      if (span.key().equals(key) && span.open()) {
        return 0;
      }
    }
    int at = 0;
    while (at < s.length && s[at].from() <= from) {
      at++;
    }
    Span<T>[] next = Arrays.copyOf(s, s.length + 1);
    System.arraycopy(s, at, next, at + 1, s.length - at);
    next[at] = new Span<>(key, holder, from, Span.OPEN);
    int dropped = Math.max(0, next.length - maxSpans);
    spans = dropped == 0 ? next : Arrays.copyOfRange(next, dropped, next.length);
    return dropped;
  }

  /** {@code key}'s open span ends at {@code until} (never before it began). False if it held none open. */
  boolean close(String key, long until) {
    Span<T>[] s = spans;
    for (int i = s.length - 1; i >= 0; i--) {
      Span<T> span = s[i];
      if (span.key().equals(key) && span.open()) {
        Span<T>[] next = s.clone();
        next[i] = new Span<>(key, span.holder(), span.from(), Math.max(span.from(), until));
        spans = next;
        return true;
      }
    }
    return false;
  }

  /** The holder's description changed (a pod's workload became known): its spans name the new one. */
  void describe(String key, T holder) {
    Span<T>[] s = spans;
    Span<T>[] next = null;
    for (int i = 0; i < s.length; i++) {
      if (s[i].key().equals(key) && s[i].holder() != holder) {
        if (next == null) {
          next = s.clone();
        }
        next[i] = new Span<>(key, holder, s[i].from(), s[i].until());
      }
    }
    if (next != null) {
      spans = next;
    }
  }

  /**
   * Drops the spans that ended before {@code before}; returns how many spans are left (0: the
   * address can go).
   */
  int forgetEndedBefore(long before) {
    Span<T>[] s = spans;
    int keep = 0;
    for (int i = 0; i < s.length; i++) {
      if (end(s, i) >= before) {
        keep++;
      }
    }
    if (keep != s.length) {
      @SuppressWarnings("unchecked")
      Span<T>[] next = new Span[keep];
      int j = 0;
      for (int i = 0; i < s.length; i++) {
        if (end(s, i) >= before) {
          next[j++] = s[i];
        }
      }
      spans = next;
    }
    return keep;
  }

  int size() {
    return spans.length;
  }

  private static long end(Span<?>[] s, int i) {
    return i + 1 < s.length ? Math.min(s[i].until(), s[i + 1].from()) : s[i].until();
  }
}
