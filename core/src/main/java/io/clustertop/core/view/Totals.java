package io.clustertop.core.view;

/**
 * The interface's TX and RX: every counted packet, whether its conversation is shown, cut into
 * "other", or folded by the flow-table limit.
 */
public record Totals(Traffic sent, Traffic received, double peakTotalBytesPerSecond) {
  public Rates totalBytesPerSecond() {
    return sent.bytesPerSecond().plus(received.bytesPerSecond());
  }

  public long totalBytes() {
    return sent.bytes() + received.bytes();
  }
}
