package io.clustertop.collector.history;

import io.clustertop.collector.cost.LedgerKey;
import java.math.BigDecimal;

/** One node's bytes of one ledger line in one minute, and their cost at the prices of that minute. */
record RollupRow(String node, Dimension dimension, LedgerKey line, long bytes, BigDecimal cost) {
  /** Which of the ledger's two breakdowns a row belongs to; each holds every byte. */
  enum Dimension {
    REMOTE("remote"),
    SERVICE("service");

    final String column;

    Dimension(String column) {
      this.column = column;
    }
  }
}
