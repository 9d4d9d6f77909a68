package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import java.util.List;

/**
 * A device libpcap can capture on, as {@code pcap_findalldevs} lists it.
 *
 * @param addresses its IPv4 and IPv6 addresses, in libpcap's order
 * @param mac its MAC address in the low 48 bits, or -1 (none, or not Ethernet-like)
 */
public record CaptureDevice(String name, boolean up, boolean loopback, List<IpAddress> addresses, long mac) {
  public CaptureDevice {
    addresses = List.copyOf(addresses);
  }
}
