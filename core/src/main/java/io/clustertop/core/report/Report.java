package io.clustertop.core.report;

/**
 * One message of an agent's stream, as the ingest edge decoded it: a {@link Hello}, a {@link Batch},
 * a {@link FullState}, or what could not be read as any of them.
 */
public sealed interface Report permits Hello, Batch, FullState, Report.Unreadable, Report.TooLarge {
  /**
   * A message that is not one: the bytes are not a message, it carries nothing, or an address or
   * number in it is malformed.
   *
   * @param malformedAddress an address, port or protocol is malformed (else the message itself is)
   */
  record Unreadable(String reason, boolean malformedAddress) implements Report {}

  /**
   * A message longer than the receiver takes, not read: it is refused as a limit, not as bad input.
   *
   * @param bytes its length
   * @param limit the most the receiver takes
   */
  record TooLarge(long bytes, long limit) implements Report {}
}
