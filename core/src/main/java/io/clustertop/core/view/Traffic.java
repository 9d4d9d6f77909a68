package io.clustertop.core.view;

/**
 * One direction of a row or of the interface: cumulative bytes and packets since the start, the
 * averages of both, and the peak 2-second byte rate.
 *
 * @param peakBytesPerSecond the highest 2-second average seen; for a row that aggregates several
 *     conversations, the highest of any one of them or of the row within the last 40 s (a lower
 *     bound); {@code NaN} for the "other" row, whose parts change
 */
public record Traffic(
    long bytes, long packets, Rates bytesPerSecond, Rates packetsPerSecond, double peakBytesPerSecond) {
  public static final Traffic ZERO = new Traffic(0, 0, Rates.ZERO, Rates.ZERO, 0);

  public Traffic plus(Traffic o) {
    return new Traffic(
        bytes + o.bytes,
        packets + o.packets,
        bytesPerSecond.plus(o.bytesPerSecond),
        packetsPerSecond.plus(o.packetsPerSecond),
        Math.max(peakBytesPerSecond, o.peakBytesPerSecond));
  }
}
