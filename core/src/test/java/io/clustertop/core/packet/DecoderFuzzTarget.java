package io.clustertop.core.packet;

import java.lang.foreign.MemorySegment;

/**
 * One fuzz input through the decoder, and what must hold whatever the bytes: the packet is decoded
 * or rejected for one counted reason, nothing is thrown, and a decoded packet is a possible one.
 * Shared by {@link PacketDecoderFuzzTest} (Jazzer) and the capture-file fuzzing in the agent, which
 * runs every packet of a mutated file through it.
 */
public final class DecoderFuzzTarget {
  private final PacketDecoder decoder = new PacketDecoder();
  private final PacketDecoder withMac = new PacketDecoder(0x0200_0000_0001L);
  private final DecodedPacket out = new DecodedPacket();

  /** Decodes a frame and checks the outcome; an {@link AssertionError} names what broke. */
  public boolean decode(MemorySegment segment, long offset, int captured, int wire, LinkType link) {
    boolean decoded = check(decoder, segment, offset, captured, wire, link);
    check(withMac, segment, offset, captured, wire, link);
    return decoded;
  }

  public DecodeCounters counters() {
    return decoder.counters();
  }

  private boolean check(PacketDecoder d, MemorySegment segment, long offset, int captured, int wire, LinkType link) {
    long seen = d.counters().seen();
    long decodedBefore = d.counters().decoded();
    boolean decoded = d.decode(segment, offset, captured, wire, link, out);
    if (d.counters().seen() != seen + 1 || (d.counters().decoded() == decodedBefore + 1) != decoded) {
      throw new AssertionError("a packet must be counted once, as decoded or rejected");
    }
    if (decoded) {
      long frame = Math.max(captured, wire);
      if (out.ipVersion != 4 && out.ipVersion != 6) {
        throw new AssertionError("decoded as IP version " + out.ipVersion);
      }
      if (out.ipBytes <= 0 || out.ipBytes > frame) {
        throw new AssertionError("an IP datagram of " + out.ipBytes + " bytes in a frame of " + frame);
      }
      if (out.srcPort < 0 || out.srcPort > 0xFFFF || out.dstPort < 0 || out.dstPort > 0xFFFF
          || out.protocol < 0 || out.protocol > 0xFF) {
        throw new AssertionError("ports " + out.srcPort + ", " + out.dstPort + " protocol " + out.protocol);
      }
    }
    return decoded;
  }

  /**
   * The decoder's own fuzz input: a link type (first byte), a wire length (next four, big-endian),
   * then the frame.
   */
  public void frame(byte[] input) {
    if (input.length < 5) {
      return;
    }
    LinkType[] links = LinkType.values();
    LinkType link = links[(input[0] & 0xFF) % links.length];
    int wire = ((input[1] & 0xFF) << 24) | ((input[2] & 0xFF) << 16) | ((input[3] & 0xFF) << 8) | (input[4] & 0xFF);
    MemorySegment segment = MemorySegment.ofArray(input);
    decode(segment, 5, input.length - 5, wire, link);
  }
}
