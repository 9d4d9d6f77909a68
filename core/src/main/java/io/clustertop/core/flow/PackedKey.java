package io.clustertop.core.flow;

/**
 * A {@link FlowKey} as five longs, the form the compact tables store and hash without an object per
 * key: the local address (high, low), the remote address (high, low), and a word holding the IP
 * version, the protocol and both ports. An IPv4 address is its low word with the high word 0, as
 * {@link IpAddress} has it.
 */
public final class PackedKey {
  public static final int FIELDS = 5;
  public static final int LOCAL_HIGH = 0;
  public static final int LOCAL_LOW = 1;
  public static final int REMOTE_HIGH = 2;
  public static final int REMOTE_LOW = 3;
  public static final int META = 4;

  private PackedKey() {}

  public static long meta(int version, int protocol, int localPort, int remotePort) {
    return (long) version << 48 | (long) (protocol & 0xFF) << 32 | (long) (localPort & 0xFFFF) << 16 | remotePort & 0xFFFF;
  }

  public static long meta(FlowKey k) {
    return meta(k.local().version(), k.protocol(), k.localPort(), k.remotePort());
  }

  public static int version(long meta) {
    return (int) (meta >>> 48) & 0xFF;
  }

  public static int protocol(long meta) {
    return (int) (meta >>> 32) & 0xFF;
  }

  public static int localPort(long meta) {
    return (int) (meta >>> 16) & 0xFFFF;
  }

  public static int remotePort(long meta) {
    return (int) meta & 0xFFFF;
  }

  /** The same key seen from the other end: addresses and ports swapped. */
  public static long turnedMeta(long meta) {
    return meta(version(meta), protocol(meta), remotePort(meta), localPort(meta));
  }

  public static FlowKey toFlowKey(long localHigh, long localLow, long remoteHigh, long remoteLow, long meta) {
    int version = version(meta);
    return new FlowKey(new IpAddress(version, localHigh, localLow), new IpAddress(version, remoteHigh, remoteLow),
        localPort(meta), remotePort(meta), protocol(meta));
  }

  /** The remote address is above the local one in {@link IpAddress}'s order (same IP version). */
  public static boolean remoteAbove(long localHigh, long localLow, long remoteHigh, long remoteLow) {
    int c = Long.compareUnsigned(remoteHigh, localHigh);
    return c != 0 ? c > 0 : Long.compareUnsigned(remoteLow, localLow) > 0;
  }
}
