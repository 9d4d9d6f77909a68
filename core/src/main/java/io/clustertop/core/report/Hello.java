package io.clustertop.core.report;

/**
 * What opens an agent's stream: who it is, and which batches it still holds.
 *
 * @param oldestHeldSequence the oldest batch the agent can still send; newest + 1 when it holds none
 * @param newestSequence the newest batch it has made (0: none yet)
 */
public record Hello(AgentIdentity identity, long oldestHeldSequence, long newestSequence) implements Report {}
