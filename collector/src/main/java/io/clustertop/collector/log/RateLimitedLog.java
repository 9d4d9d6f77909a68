package io.clustertop.collector.log;

import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * At most one line per kind of event per interval: an agent that floods the collector with refused
 * messages (or new conversations, or Hellos) must not flood its log too. The first event of a kind
 * is logged; later ones within the interval are only counted, and the next line says how many were
 * not logged. The counters on /metrics have every one.
 *
 * <p>Thread safety: safe; a kind's window is one compare-and-set.
 */
public final class RateLimitedLog {
  private final System.Logger log;
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();
  /** Kinds are few (reasons, limits): this bound only guards against a bug that makes them many. */
  private static final int MAX_KINDS = 1024;

  public RateLimitedLog(System.Logger log, long intervalNanos) {
    this(log, intervalNanos, System::nanoTime);
  }

  RateLimitedLog(System.Logger log, long intervalNanos, LongSupplier nanoTime) {
    this.log = log;
    this.intervalNanos = intervalNanos;
    this.nanoTime = nanoTime;
  }

  private static final class Window {
    final AtomicLong lastLogged = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong suppressed = new AtomicLong();
  }

  /**
   * Logs {@code message} (a {@link java.text.MessageFormat} pattern) unless a line of {@code kind}
   * was logged within the interval.
   */
  public void log(Level level, String kind, String message, Object... params) {
    if (windows.size() > MAX_KINDS) {
      windows.clear();
    }
    Window w = windows.computeIfAbsent(kind, k -> new Window());
    long now = nanoTime.getAsLong();
    long last = w.lastLogged.get();
    if (last != Long.MIN_VALUE && now - last < intervalNanos || !w.lastLogged.compareAndSet(last, now)) {
      w.suppressed.incrementAndGet();
      return;
    }
    long more = w.suppressed.getAndSet(0);
    String text = java.text.MessageFormat.format(message, params);
    log.log(level, more == 0 ? text : text + " (" + more + " more like it since the last line)");
  }
}
