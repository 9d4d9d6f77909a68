package io.clustertop.collector.history;

import io.clustertop.collector.cost.LedgerKey;

/** One node's bytes of one ledger line in one minute (priced as the store writes it). */
record RollupRow(String node, Dimension dimension, LedgerKey line, long bytes) {
  /**
   * Which of the ledger's two breakdowns a row belongs to; each holds every byte. Stored as the
   * ordinal: the order is the file's format.
   */
  enum Dimension {
    REMOTE,
    SERVICE
  }
}
