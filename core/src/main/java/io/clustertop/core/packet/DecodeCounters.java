package io.clustertop.core.packet;

/**
 * Running totals of what a decoder saw: every packet handed to it is in {@link #decoded()} or in
 * exactly one rejection reason.
 *
 * <p>Thread safety: written by the one capture thread that owns the decoder; other threads read a
 * {@link #copy()} taken by that thread.
 */
public final class DecodeCounters {
  private long decoded;
  private final long[] rejected = new long[RejectReason.values().length];

  void countDecoded() {
    decoded++;
  }

  void countRejected(RejectReason reason) {
    rejected[reason.ordinal()]++;
  }

  public long decoded() {
    return decoded;
  }

  public long rejected(RejectReason reason) {
    return rejected[reason.ordinal()];
  }

  public long rejected() {
    long sum = 0;
    for (long r : rejected) {
      sum += r;
    }
    return sum;
  }

  /** Everything handed to the decoder. */
  public long seen() {
    return decoded + rejected();
  }

  public DecodeCounters copy() {
    DecodeCounters c = new DecodeCounters();
    c.decoded = decoded;
    System.arraycopy(rejected, 0, c.rejected, 0, rejected.length);
    return c;
  }
}
