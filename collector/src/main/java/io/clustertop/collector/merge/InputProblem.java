package io.clustertop.collector.merge;

/** Why the collector refused an agent's message; a label of the rejection counter. */
public enum InputProblem {
  /** An address of neither 4 nor 16 bytes, a port above 65535, a protocol above 255. */
  MALFORMED_ADDRESS,
  /** A volume above the per-batch ceiling, totals below the sum of the flows, a sum that overflows. */
  BAD_VOLUME,
  /** A timestamp more than the allowed skew from the collector's clock, or an interval that ends before it starts. */
  BAD_TIME,
  /** More flows in one message than the limit. */
  TOO_MANY_FLOWS,
  /** A sequence of 0, beyond the reorder window, or an agent whose sequence went back within an epoch. */
  BAD_SEQUENCE,
  /** Messages out of protocol order: no Hello first, a second Hello, an identity that is not one. */
  PROTOCOL,
  /** A newer stream of the same agent took over. */
  SUPERSEDED,
  /** The collector holds {@code --max-agents} agents already. */
  TOO_MANY_AGENTS,
  /** Batches held after a missing one would pass {@code --max-held-bytes}. */
  TOO_MUCH_HELD,
  /** A node name, zone, region, source or label with control characters, or longer than a DNS name. */
  BAD_NAME,
  /**
   * A speaker for a node its certificate does not name, or for an agent id another identity holds
   * (another certificate, or without TLS another stream while that one is open).
   */
  IDENTITY,
  /** Addresses the speaker's identity may not announce, or that another connected node announces. */
  ADDRESS_CLAIM,
  /** A flow or a batch's total carries more than a link does in its time ({@code --max-link-rate}). */
  BEYOND_LINK_RATE,
  /** A message longer than {@code --max-message-bytes}. */
  TOO_LARGE,
  /** More Hellos from one peer in a minute than {@code --max-hellos-per-minute}. */
  TOO_MANY_HELLOS
}
