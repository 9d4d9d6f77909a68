package io.clustertop.launcher;

import io.clustertop.core.units.Units;
import io.clustertop.core.view.SortOrder;
import picocli.CommandLine.Option;

/**
 * How reports look: iftop's display options, shared by the local mode and the console. Boxed where
 * iftop's configuration file may fill in what the command line left out (null: not given here).
 */
final class ReportOptions {
  @Option(names = "-n", description = "Don't look up host names.")
  Boolean noDns;

  @Option(names = "-N", description = "Don't convert port numbers to service names.")
  Boolean noServices;

  @Option(names = "-P", description = "Show ports as well as hosts.")
  Boolean ports;

  @Option(names = "-B", description = "Display bandwidth in bytes.")
  Boolean bytes;

  @Option(names = "-u", paramLabel = "unit", description = "Bandwidth unit: bits, bytes or packets.")
  String unit;

  @Option(names = "-t", description = "Text output: print to standard output, no full-screen display.")
  Boolean text;

  @Option(names = "--json", description = "Print one JSON object per report, one per line (see the README for the schema).")
  boolean json;

  @Option(names = "-s", paramLabel = "num", description = "Print one report after num seconds, then exit.")
  Integer seconds;

  @Option(names = "-L", paramLabel = "num", description = "Number of lines to print (default 10).")
  Integer lines;

  @Option(names = "-o", paramLabel = "2s|10s|40s|source|destination", description = "Sort by this column (default 10s).")
  String sort;

  /** {@code -u}, else {@code -B}, else {@code configured} (use-bytes). */
  Units units(boolean configuredBytes) {
    if (unit != null) {
      return IftopSettings.parse(() -> Units.parse(unit));
    }
    return (bytes != null && bytes) || configuredBytes ? Units.BYTES : Units.BITS;
  }

  SortOrder sortOrder(String configured) {
    return IftopSettings.parse(() -> SortOrder.parse(sort != null ? sort : configured));
  }

  int lines(int configured) {
    int n = lines != null ? lines : configured;
    if (n < 1) {
      throw new UserError("invalid -L " + n + ": the number of lines must be at least 1");
    }
    return n;
  }

  Integer seconds(Integer configured) {
    Integer s = seconds != null ? seconds : configured;
    if (s != null && s < 1) {
      throw new UserError("invalid -s " + s + ": the number of seconds must be at least 1");
    }
    return s;
  }
}
