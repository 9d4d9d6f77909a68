package io.clustertop.core.report;

/**
 * Batches an agent had to drop (its buffer overflowed while the collector was unreachable): their
 * traffic is unknown, not zero. It may cover batches the collector applied before the agent dropped
 * them.
 */
public record Gap(long firstSequence, long lastSequence, long startUnixNanos, long endUnixNanos) {
  /**
   * The seconds of the span the collector had not applied: the part of it after {@code appliedThrough},
   * in proportion to the sequences it covers.
   */
  public double missedSeconds(long appliedThrough) {
    double seconds = (endUnixNanos - startUnixNanos) / 1e9;
    long missed = lastSequence - Math.max(firstSequence, appliedThrough + 1) + 1;
    return missed <= 0 ? 0 : seconds * missed / (lastSequence - firstSequence + 1);
  }
}
