package io.clustertop.collector.history;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the history did since the collector started: minutes written, lines folded into "other" by
 * the top-remotes limit, rows deleted by retention and by the size bound, failed writes.
 *
 * <p>Thread safety: safe (LongAdders).
 */
public final class HistoryMetrics {
  final LongAdder flushes = new LongAdder();
  final LongAdder flushFailures = new LongAdder();
  final LongAdder rowsWritten = new LongAdder();
  final LongAdder linesFolded = new LongAdder();
  final LongAdder rowsExpired = new LongAdder();
  final LongAdder rowsEvicted = new LongAdder();
  volatile long fileBytes;

  public long flushes() {
    return flushes.sum();
  }

  public long flushFailures() {
    return flushFailures.sum();
  }

  public long rowsWritten() {
    return rowsWritten.sum();
  }

  public long linesFolded() {
    return linesFolded.sum();
  }

  /** Rows deleted because they were older than the retention. */
  public long rowsExpired() {
    return rowsExpired.sum();
  }

  /** Rows deleted to keep the file under its size bound. */
  public long rowsEvicted() {
    return rowsEvicted.sum();
  }

  public long fileBytes() {
    return fileBytes;
  }
}
