/**
 * What an agent reports to the collector, as core types: who it is ({@link
 * io.clustertop.core.report.AgentIdentity}), one interval's conversations ({@link
 * io.clustertop.core.report.Batch}, their keys and volumes in {@link io.clustertop.core.report.Flows}),
 * and everything it holds ({@link io.clustertop.core.report.FullState}). The collector's ingest edge
 * turns each protobuf message into one of these once (proto's {@code FlowWire}); everything behind
 * it speaks these types only.
 */
package io.clustertop.core.report;
