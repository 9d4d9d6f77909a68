package io.clustertop.core.flow;

/**
 * Bytes and packets each way: sent (local to remote) and received (remote to local). What a batch
 * says of one conversation, of a whole second, or of an epoch so far.
 */
public record Volume(long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
  public static final Volume ZERO = new Volume(0, 0, 0, 0);

  public Volume plus(Volume o) {
    return new Volume(sentBytes + o.sentBytes, sentPackets + o.sentPackets, receivedBytes + o.receivedBytes,
        receivedPackets + o.receivedPackets);
  }

  public Volume minus(Volume o) {
    return new Volume(sentBytes - o.sentBytes, sentPackets - o.sentPackets, receivedBytes - o.receivedBytes,
        receivedPackets - o.receivedPackets);
  }

  public boolean isZero() {
    return sentBytes == 0 && sentPackets == 0 && receivedBytes == 0 && receivedPackets == 0;
  }

  /** Bytes both ways. */
  public long bytes() {
    return sentBytes + receivedBytes;
  }

  /** The sent half, as sent. */
  public Volume sentOnly() {
    return new Volume(sentBytes, sentPackets, 0, 0);
  }

  /** The sent half, as received: what the other end of the conversation received. */
  public Volume sentAsReceived() {
    return new Volume(0, 0, sentBytes, sentPackets);
  }

  /** The received half, as received. */
  public Volume receivedOnly() {
    return new Volume(0, 0, receivedBytes, receivedPackets);
  }
}
