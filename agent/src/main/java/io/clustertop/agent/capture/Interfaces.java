package io.clustertop.agent.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.clustertop.core.flow.IpAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The interfaces libpcap can capture on, and iftop's choice when none is named: libpcap's own list
 * ({@code pcap_findalldevs} through FFM), so names, order and addresses are what tcpdump sees.
 */
public final class Interfaces {
  // struct pcap_if and struct pcap_addr (LP64), and the sockaddr families read from them.
  private static final long IF_NEXT = 0;
  private static final long IF_NAME = 8;
  private static final long IF_ADDRESSES = 24;
  private static final long IF_FLAGS = 32;
  private static final long IF_SIZE = 40;
  private static final long ADDR_NEXT = 0;
  private static final long ADDR_ADDR = 8;
  private static final long ADDR_SIZE = 40;
  private static final int PCAP_IF_LOOPBACK = 0x1;
  private static final int PCAP_IF_UP = 0x2;
  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final ValueLayout.OfInt BE_INT = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN).withByteAlignment(1);
  private static final ValueLayout.OfLong BE_LONG =
      ValueLayout.JAVA_LONG.withOrder(ByteOrder.BIG_ENDIAN).withByteAlignment(1);

  private Interfaces() {}

  /** All capture devices, as libpcap lists them. */
  public static List<CaptureDevice> all() throws CaptureException {
    Libpcap.load();
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment first = arena.allocate(ADDRESS);
      MemorySegment errors = arena.allocate(Libpcap.ERRBUF_SIZE);
      if ((int) Libpcap.Devices.FIND_ALL.invokeExact(first.address(), errors.address()) == Libpcap.ERROR) {
        throw new CaptureException("cannot list interfaces: " + errors.getString(0));
      }
      MemorySegment list = first.get(ADDRESS, 0);
      try {
        List<CaptureDevice> devices = new ArrayList<>();
        for (MemorySegment d = list; !d.equals(MemorySegment.NULL); d = d.reinterpret(IF_SIZE).get(ADDRESS, IF_NEXT)) {
          devices.add(device(d.reinterpret(IF_SIZE)));
        }
        return List.copyOf(devices);
      } finally {
        Libpcap.Devices.FREE_ALL.invokeExact(list.address());
      }
    } catch (CaptureException e) {
      throw e;
    } catch (Throwable t) {
      throw Libpcap.unexpected(t);
    }
  }

  private static CaptureDevice device(MemorySegment d) {
    String name = Libpcap.text(d.get(ADDRESS, IF_NAME));
    int flags = d.get(JAVA_INT, IF_FLAGS);
    List<IpAddress> addresses = new ArrayList<>();
    long mac = -1;
    for (MemorySegment a = d.get(ADDRESS, IF_ADDRESSES); !a.equals(MemorySegment.NULL);
        a = a.reinterpret(ADDR_SIZE).get(ADDRESS, ADDR_NEXT)) {
      MemorySegment sockaddr = a.reinterpret(ADDR_SIZE).get(ADDRESS, ADDR_ADDR);
      if (sockaddr.equals(MemorySegment.NULL)) {
        continue;
      }
      sockaddr = sockaddr.reinterpret(28); // the largest read here: sockaddr_in6
      int family = sockaddr.get(JAVA_SHORT, 0);
      if (family == AF_INET) {
        addresses.add(IpAddress.v4(sockaddr.get(BE_INT, 4) & 0xFFFF_FFFFL));
      } else if (family == AF_INET6) {
        addresses.add(new IpAddress(6, sockaddr.get(BE_LONG, 8), sockaddr.get(BE_LONG, 16)));
      } else if (family == Libc.AF_PACKET && mac < 0 && (sockaddr.get(JAVA_BYTE, 11) & 0xFF) == 6) {
        mac = 0;
        for (int i = 0; i < 6; i++) { // sockaddr_ll's sll_addr
          mac = mac << 8 | (sockaddr.get(JAVA_BYTE, 12 + i) & 0xFF);
        }
      }
    }
    return new CaptureDevice(name, (flags & PCAP_IF_UP) != 0, (flags & PCAP_IF_LOOPBACK) != 0, addresses, mac);
  }

  /**
   * The named interface, or, for null, the first that is up, not loopback and has an address (what
   * iftop picks).
   */
  public static CaptureDevice find(String name) throws CaptureException {
    List<CaptureDevice> all = all();
    if (name == null) {
      return all.stream()
          .filter(d -> d.up() && !d.loopback() && !d.name().equals("any") && !d.addresses().isEmpty())
          .findFirst()
          .orElseThrow(() -> new CaptureException("no interface is up with an address; name one with -i ("
              + names(all) + ")"));
    }
    return all.stream()
        .filter(d -> d.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new CaptureException("no interface '" + name + "'; there are: " + names(all)));
  }

  private static String names(List<CaptureDevice> all) {
    return all.stream().map(CaptureDevice::name).collect(Collectors.joining(", "));
  }
}
