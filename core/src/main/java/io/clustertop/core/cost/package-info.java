/**
 * Egress cost attribution without I/O: which destination class a conversation's remote end falls in,
 * and what a byte of that class costs.
 *
 * <pre>
 * cost file --CostConfigParser--> CostConfig { NetworkTable (cluster + named networks), PriceList }
 * (local node, remote address, remote node if any) --Classifier--> class name
 * (class, Direction, bytes) --PriceList--> exact cost (BigDecimal)
 * </pre>
 *
 * <p>Classes are names: the built-in ones ({@link io.clustertop.core.cost.BuiltInClass}) and the
 * configuration's named networks, which win over every built-in class but "same host". Money is
 * {@link java.math.BigDecimal} throughout: a price per GB times bytes over 10^9 (or 2^30) is a
 * terminating decimal, so every figure is exact (docs/RATIONALE.md, "Egress cost").
 */
package io.clustertop.core.cost;
