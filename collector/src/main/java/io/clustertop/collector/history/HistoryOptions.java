package io.clustertop.collector.history;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how much history the collector keeps.
 *
 * @param file the SQLite file (made if missing)
 * @param retention minutes older than this are deleted
 * @param maxBytes the file's bound: past it the oldest minutes go, whatever the retention
 * @param topRemotes per node and minute, the remote addresses (and services) kept by name; the rest
 *     are folded into "other", so totals stay exact
 */
public record HistoryOptions(Path file, Duration retention, long maxBytes, int topRemotes) {
  public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
  public static final long DEFAULT_MAX_BYTES = 1L << 30;
  public static final int DEFAULT_TOP_REMOTES = 50;

  public HistoryOptions {
    if (retention.isNegative() || retention.isZero() || maxBytes < 1 << 20 || topRemotes < 1) {
      throw new IllegalArgumentException("retention must be positive, the size at least 1 MiB, top remotes at least 1");
    }
  }
}
