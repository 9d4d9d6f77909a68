package io.clustertop.collector.history;

import io.clustertop.collector.cost.LedgerDimension;
import io.clustertop.collector.cost.LedgerKey;

/** One node's bytes of one ledger line of one dimension in one minute (priced as the store writes it). */
record RollupRow(String node, LedgerDimension dimension, LedgerKey line, long bytes) {}
