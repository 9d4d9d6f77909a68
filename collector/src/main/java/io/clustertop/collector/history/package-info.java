/**
 * The collector's own history of egress cost: per-minute rollups in an SQLite file that survives
 * collector restarts, and the {@code History.Cost} service that reports from it.
 *
 * <pre>
 * every minute: MergeStore --CostLedger per agent epoch--> HistoryRecorder: ledger - baseline = the minute's bytes
 *   -> per node, top remotes (and services), the rest folded into "other"
 *   -> HistoryStore: one transaction: rollup rows + the new baselines; then retention and size bound
 * History.Cost -> HistoryStore.report: sums of the minutes in range
 * </pre>
 *
 * <p>The baselines (each agent epoch's cumulative bytes as of the last minute written) are stored in
 * the same transaction as the rollups, so a collector that restarts, and is sent the agents' cumulative
 * figures again, writes only what it had not written: nothing twice, nothing lost (RATIONALE.md).
 */
package io.clustertop.collector.history;
