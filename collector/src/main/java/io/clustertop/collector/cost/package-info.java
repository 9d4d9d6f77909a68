/**
 * Egress cost in the collector: each agent epoch's traffic turned into bytes per destination class,
 * direction and remote end (or port), with the each-byte-once rule of the merge; what the history,
 * the metrics and the live views read. The classes and prices themselves are core's
 * ({@code io.clustertop.core.cost}).
 */
package io.clustertop.collector.cost;
