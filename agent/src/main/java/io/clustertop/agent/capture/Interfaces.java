package io.clustertop.agent.capture;

import java.util.List;
import java.util.stream.Collectors;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;

/** The interfaces libpcap can capture on, and iftop's choice when none is named. */
public final class Interfaces {
  private Interfaces() {}

  /** All capture devices, as libpcap lists them. */
  public static List<PcapNetworkInterface> all() throws CaptureException {
    try {
      return Pcaps.findAllDevs();
    } catch (PcapNativeException e) {
      throw new CaptureException("cannot list interfaces: " + e.getMessage(), e);
    } catch (LinkageError e) {
      throw new CaptureException("libpcap is not installed (on Debian: apt-get install libpcap0.8)", e);
    }
  }

  /**
   * The named interface, or, for null, the first that is up, not loopback and has an address (what
   * iftop picks).
   */
  public static PcapNetworkInterface find(String name) throws CaptureException {
    List<PcapNetworkInterface> all = all();
    if (name == null) {
      return all.stream()
          .filter(d -> d.isUp() && !d.isLoopBack() && !d.getName().equals("any") && !d.getAddresses().isEmpty())
          .findFirst()
          .orElseThrow(() -> new CaptureException("no interface is up with an address; name one with -i ("
              + names(all) + ")"));
    }
    return all.stream()
        .filter(d -> d.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new CaptureException("no interface '" + name + "'; there are: " + names(all)));
  }

  private static String names(List<PcapNetworkInterface> all) {
    return all.stream().map(PcapNetworkInterface::getName).collect(Collectors.joining(", "));
  }
}
