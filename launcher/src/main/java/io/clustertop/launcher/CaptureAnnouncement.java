package io.clustertop.launcher;

import io.clustertop.agent.capture.PacketSource;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/** The start-up lines of a live capture, for the local mode and the agent alike. */
final class CaptureAnnouncement {
  private CaptureAnnouncement() {}

  /**
   * iftop's start-up lines on standard error. Live, they come once the handle is active: every
   * packet from then on reaches the ring, so a script can wait for them before sending traffic.
   */
  static void print(PacketSource source) {
    if (!source.live()) {
      return;
    }
    System.err.println("interface: " + source.name());
    source.localAddresses().stream().filter(a -> a.version() == 4).findFirst()
        .ifPresent(a -> System.err.println("IP address is: " + a));
    source.localAddresses().stream().filter(a -> a.version() == 6).findFirst()
        .ifPresent(a -> System.err.println("IPv6 address is: " + a));
    if (source.localMac() >= 0) {
      System.err.println("MAC address is: " + HexFormat.ofDelimiter(":").formatHex(
          ByteBuffer.allocate(8).putLong(source.localMac()).array(), 2, 8));
    }
    System.err.println("capture path: " + source.captureMethod());
    System.err.println("capturing on " + source.name());
  }
}
