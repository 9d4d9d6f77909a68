package io.clustertop.core.packet;

/** Why the decoder did not count a packet. Every packet is either counted or rejected for one of these. */
public enum RejectReason {
  /** The capture cut the packet before the end of the IP header. */
  TRUNCATED,
  /** A header contradicts itself or the frame: bad version, header length, total length. */
  MALFORMED,
  /** The link type of the capture is not one the decoder reads. */
  UNSUPPORTED_LINK,
  /** A well-formed frame that carries no IP datagram (ARP, LLDP, ...): iftop ignores these too. */
  NOT_IP
}
