package io.clustertop.agent.capture;

import io.clustertop.core.packet.LinkType;
import java.lang.foreign.MemorySegment;

/** Receives packets from a {@link PacketSource} on the source's own thread. */
public interface PacketHandler {

  /**
   * One packet, valid only during the call: {@code capturedLength} bytes at {@code offset} of
   * {@code segment}.
   *
   * @param wireLength the packet's length on the link, before the snap length cut it
   * @param timestampNanos when it was captured, nanoseconds since the epoch
   */
  void packet(
      MemorySegment segment,
      long offset,
      int capturedLength,
      int wireLength,
      LinkType link,
      long timestampNanos);

  /**
   * One packet whose direction the source knows apart from its bytes (the kernel's packet type,
   * on a packet ring); a handler that does not look at directions takes it as any other packet.
   *
   * @param linkDirection one of {@code io.clustertop.core.packet.LinkDirection}'s values
   */
  default void packet(
      MemorySegment segment,
      long offset,
      int capturedLength,
      int wireLength,
      LinkType link,
      long timestampNanos,
      int linkDirection) {
    packet(segment, offset, capturedLength, wireLength, link, timestampNanos);
  }

  /**
   * Called on the source's thread between batches of packets, at least once per capture timeout
   * and soon after {@link PacketSource#wakeUp()}: the safe point to hand state to other threads.
   */
  default void betweenBatches() {}
}
