package io.clustertop.core.packet;

import io.clustertop.core.flow.FlowKey;

/**
 * What the decoder keeps of one packet: exactly the flow key and the length, nothing else.
 *
 * <p>One instance per capture thread, overwritten for every packet, so decoding allocates nothing.
 * Addresses are held as two longs each: an IPv4 address in the low 32 bits of {@code srcLow} with
 * {@code srcHigh} zero, an IPv6 address as its high and low 64 bits.
 */
public final class DecodedPacket {
  /** 4 or 6. */
  public int ipVersion;
  public long srcHigh;
  public long srcLow;
  public long dstHigh;
  public long dstLow;
  /** Transport ports, 0 where the protocol has none or the packet is a non-first fragment. */
  public int srcPort;
  public int dstPort;
  /** IP protocol number of the transport (after IPv6 extension headers). */
  public int protocol;
  /** IP datagram bytes, as iftop counts them. */
  public long ipBytes;
  /** One of {@link LinkDirection}'s values. */
  public int linkDirection;

  /**
   * This packet as one of {@code key}'s, sent from its local end: what a decoder would have made of
   * it. For tests and load generators, which count made-up conversations through the real tables.
   */
  public DecodedPacket of(FlowKey key, long bytes) {
    ipVersion = key.local().version();
    srcHigh = key.local().high();
    srcLow = key.local().low();
    dstHigh = key.remote().high();
    dstLow = key.remote().low();
    srcPort = key.localPort();
    dstPort = key.remotePort();
    protocol = key.protocol();
    ipBytes = bytes;
    return this;
  }
}
