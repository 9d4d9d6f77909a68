/**
 * Egress cost in the collector's history and metrics: each agent epoch's traffic turned into bytes
 * per destination class, direction and remote end (or service), with core's one rule of which bytes
 * are a node's cost ({@code io.clustertop.core.cost.CostParts}, each byte once). The live views keep
 * their rows' cost themselves (core's {@code io.clustertop.core.rows}); the classes and prices are
 * core's ({@code io.clustertop.core.cost}).
 */
package io.clustertop.collector.cost;
