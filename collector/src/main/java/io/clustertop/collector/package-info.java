/**
 * The collector: agents' batches in, each byte once, the cluster's views out.
 *
 * <pre>
 * agent --Hello, [FullState], DeltaBatch...--> ingest   checks each message on its own
 *                                          --> merge    each batch once (agent id, epoch, sequence),
 *                                                       in order; each byte once; 2-second slots
 * console <--ViewSnapshot, one per slot------- watch    latest snapshot per subscriber
 *                                          <-- view     grouped, filtered, sorted, cut, "other"
 * Prometheus <--/metrics---------------------- metrics
 * </pre>
 *
 * <p>{@link io.clustertop.collector.CollectorServer} puts it together on one gRPC server. Why it
 * counts the way it does: docs/RATIONALE.md, "Each byte once, cluster-wide" and "Where the truth
 * lives across restarts".
 */
package io.clustertop.collector;
