package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.packet.LinkType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A pcap or pcapng file read straight from a memory mapping: no copy, no allocation per packet.
 *
 * <p>Every length in the file is checked against the file's size before it is used, so a corrupt or
 * truncated file ends the run with a {@link CaptureException} naming the record and offset, after
 * every packet before it was delivered. pcapng sections may change byte order and each interface
 * has its own link type and timestamp resolution.
 *
 * <p>A pcapng file may say which host captured it: an interface description's {@code if_IPv4addr},
 * {@code if_IPv6addr} and {@code if_MACaddr} options. They are this source's
 * {@link #localAddresses()} and {@link #localMac()}, read by a walk over the block headers at the
 * first question, so that traffic is oriented as it would have been live.
 */
public final class CaptureFile implements PacketSource {
  private static final int PCAP_MAGIC_MICROS = 0xA1B2C3D4;
  private static final int PCAP_MAGIC_NANOS = 0xA1B23C4D;
  private static final int PCAPNG_SECTION = 0x0A0D0D0A;
  private static final int PCAPNG_BYTE_ORDER = 0x1A2B3C4D;
  /** libpcap refuses records larger than this unless the snap length says more. */
  private static final int MAX_RECORD = 262_144;

  // One layout per width, the byte order applied after the read: a layout chosen at run time (one
  // per file's order) is not a constant to the JIT, whose access then takes the slow path of its
  // checks (a fifth of the reading time in a JFR profile of -r on the 20,000-flow file).
  private static final ValueLayout.OfInt BE_INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfShort BE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
  private static final ValueLayout.OfLong BE_LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private final String name;
  private final Arena arena;
  private final MemorySegment file;
  private final long size;
  private volatile boolean stopped;
  private long packets;
  /** Every interface the file describes, in order, once {@link #described()} has walked it. */
  private List<Interface> described;

  private CaptureFile(String name, Arena arena, MemorySegment file) {
    this.name = name;
    this.arena = arena;
    this.file = file;
    this.size = file.byteSize();
  }

  /**
   * Opens and maps {@code path}, and checks that it is a pcap or pcapng file, so that a directory or
   * a file of another kind is refused before anything is reported.
   */
  public static CaptureFile open(Path path) throws CaptureException {
    if (Files.isDirectory(path)) {
      throw new CaptureException(path + ": a directory, not a capture file");
    }
    Arena arena = Arena.ofShared();
    CaptureFile capture;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      capture = new CaptureFile(path.toString(), arena, channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena));
    } catch (NoSuchFileException e) {
      arena.close();
      throw new CaptureException(path + ": no such file");
    } catch (AccessDeniedException e) {
      arena.close();
      throw new CaptureException(path + ": permission denied");
    } catch (IOException | UnsupportedOperationException e) {
      arena.close();
      throw new CaptureException(path + ": cannot read: " + e.getMessage());
    }
    if (capture.format() == null) {
      capture.close();
      throw capture.corrupt(0, capture.size < 4
          ? "too short to be a capture file (" + capture.size + " bytes)"
          : "not a pcap or pcapng file");
    }
    return capture;
  }

  /**
   * A capture held in memory (a resource of the jar, say), copied out of the heap so that it is
   * read exactly as a mapped file is.
   */
  public static CaptureFile of(String name, byte[] contents) {
    Arena arena = Arena.ofShared();
    MemorySegment copy = arena.allocate(contents.length);
    MemorySegment.copy(MemorySegment.ofArray(contents), 0, copy, 0, contents.length);
    return new CaptureFile(name, arena, copy);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean live() {
    return false;
  }


  /** The file's format, from its first four bytes; null when it is neither pcap nor pcapng. */
  private enum Format {
    PCAPNG, PCAP_BIG_ENDIAN, PCAP_LITTLE_ENDIAN
  }

  private Format format() {
    if (size < 4) {
      return null;
    }
    int magic = file.get(BE_INT, 0);
    if (magic == PCAPNG_SECTION) {
      return Format.PCAPNG;
    }
    if (magic == PCAP_MAGIC_MICROS || magic == PCAP_MAGIC_NANOS) {
      return Format.PCAP_BIG_ENDIAN;
    }
    int swapped = Integer.reverseBytes(magic);
    return swapped == PCAP_MAGIC_MICROS || swapped == PCAP_MAGIC_NANOS ? Format.PCAP_LITTLE_ENDIAN : null;
  }

  @Override
  public void run(PacketHandler handler) throws CaptureException {
    Format format = format();
    if (format == null) {
      throw corrupt(0, size < 4 ? "too short to be a capture file (" + size + " bytes)" : "not a pcap or pcapng file");
    }
    int magic = file.get(BE_INT, 0);
    switch (format) {
      case PCAPNG -> readPcapng(handler, new ArrayList<>());
      case PCAP_BIG_ENDIAN -> readPcap(handler, true, magic == PCAP_MAGIC_NANOS);
      case PCAP_LITTLE_ENDIAN -> readPcap(handler, false, Integer.reverseBytes(magic) == PCAP_MAGIC_NANOS);
    }
  }

  private void readPcap(PacketHandler handler, boolean big, boolean nanos) throws CaptureException {
    if (size < 24) {
      throw corrupt(0, "truncated file header");
    }
    int major = u16(4, big);
    int minor = u16(6, big);
    // Writers before format 2.3 swapped the two lengths; 2.3 files may have either order (as libpcap reads them).
    boolean alwaysSwapped = major < 2 || (major == 2 && minor < 3);
    boolean maybeSwapped = major == 2 && minor == 3;
    long snaplen = u32(16, big);
    LinkType link = LinkType.of((int) u32(20, big));
    long limit = Math.max(MAX_RECORD, snaplen);
    long at = 24;
    while (at < size && !stopped) {
      if (size - at < 16) {
        throw corrupt(at, "truncated record header");
      }
      long seconds = u32(at, big);
      long fraction = u32(at + 4, big);
      long captured = u32(at + 8, big);
      long wire = u32(at + 12, big);
      if (alwaysSwapped || (maybeSwapped && captured > wire)) {
        long swap = captured;
        captured = wire;
        wire = swap;
      }
      if (captured > limit) {
        throw corrupt(at, "record of " + captured + " bytes, larger than any snap length");
      }
      if (captured > size - at - 16) {
        throw corrupt(at, "truncated record: " + captured + " bytes announced, " + (size - at - 16) + " left");
      }
      long nanosTime = seconds * 1_000_000_000L + (nanos ? fraction : fraction * 1000);
      packets++;
      handler.packet(file, at + 16, (int) captured, (int) Math.min(wire, Integer.MAX_VALUE), link, nanosTime);
      at += 16 + captured;
    }
  }

  /**
   * One pcapng interface: link type, timestamp units per second, and the addresses and MAC address
   * (-1: none) its description gives.
   */
  private record Interface(LinkType link, long snaplen, long unitsPerSecond, boolean decimal, int exponent,
      List<IpAddress> addresses, long mac) {
    long nanos(long units) {
      if (decimal && exponent <= 9) {
        return units * POWERS_OF_TEN[9 - exponent];
      }
      if (decimal) {
        return units / POWERS_OF_TEN[Math.min(exponent - 9, 18)];
      }
      return (long) (units * (1e9 / unitsPerSecond));
    }
  }

  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  /**
   * Walks the blocks; with a handler, delivers the packets, else (a walk for the interface
   * descriptions) skips them. Every interface of every section is added to {@code described}.
   */
  private void readPcapng(PacketHandler handler, List<Interface> described) throws CaptureException {
    boolean big = false;
    List<Interface> interfaces = new ArrayList<>();
    long at = 0;
    while (at < size && (handler == null || !stopped)) {
      if (size - at < 12) {
        throw corrupt(at, "truncated block header");
      }
      int type = file.get(BE_INT, at); // the section header's type reads the same either way
      if (type == PCAPNG_SECTION) {
        int byteOrder = file.get(BE_INT, at + 8);
        if (byteOrder == PCAPNG_BYTE_ORDER) {
          big = true;
        } else if (Integer.reverseBytes(byteOrder) == PCAPNG_BYTE_ORDER) {
          big = false;
        } else {
          throw corrupt(at, "section header with an unknown byte-order mark");
        }
        interfaces.clear();
      } else {
        type = (int) u32(at, big);
      }
      long length = u32(at + 4, big);
      if (length < 12 || length % 4 != 0) {
        throw corrupt(at, "block length " + length + " is not a multiple of 4 of at least 12");
      }
      if (length > size - at) {
        throw corrupt(at, "truncated block: " + length + " bytes announced, " + (size - at) + " left");
      }
      long body = at + 8;
      long bodyLength = length - 12;
      if (type == 1) {
        Interface i = readInterface(at, body, bodyLength, big);
        interfaces.add(i);
        described.add(i);
      } else if (handler != null) {
        switch (type) {
          case 6 -> packetBlock(handler, interfaces, at, body, bodyLength, big, false);
          case 3 -> simplePacket(handler, interfaces, at, body, bodyLength, big);
          case 2 -> packetBlock(handler, interfaces, at, body, bodyLength, big, true);
          default -> {} // name resolution, statistics, custom blocks: nothing to count
        }
      }
      at += length;
    }
  }

  private Interface readInterface(long at, long body, long bodyLength, boolean big) throws CaptureException {
    if (bodyLength < 8) {
      throw corrupt(at, "interface description block too short");
    }
    LinkType link = LinkType.of(u16(body, big));
    long snaplen = u32(body + 4, big);
    int resolution = 6;
    List<IpAddress> addresses = new ArrayList<>();
    long mac = -1;
    long option = body + 8;
    long end = body + bodyLength;
    while (option + 4 <= end) {
      int code = u16(option, big);
      int optionLength = u16(option + 2, big);
      if (code == 0 || option + 4 + optionLength > end) {
        break;
      }
      long value = option + 4;
      switch (code) {
        case 9 -> { // if_tsresol
          if (optionLength >= 1) {
            resolution = file.get(ValueLayout.JAVA_BYTE, value) & 0xFF;
          }
        }
        case 4 -> { // if_IPv4addr: address and netmask, in network order
          if (optionLength == 8) {
            addresses.add(IpAddress.v4(file.get(BE_INT, value)));
          }
        }
        case 5 -> { // if_IPv6addr: address and prefix length
          if (optionLength == 17) {
            addresses.add(new IpAddress(6, file.get(BE_LONG, value), file.get(BE_LONG, value + 8)));
          }
        }
        case 6 -> { // if_MACaddr
          if (optionLength == 6) {
            mac = (file.get(BE_SHORT, value) & 0xFFFFL) << 32 | (file.get(BE_INT, value + 2) & 0xFFFF_FFFFL);
          }
        }
        default -> {}
      }
      option += 4 + ((optionLength + 3) & ~3);
    }
    boolean decimal = (resolution & 0x80) == 0;
    int exponent = resolution & 0x7F;
    if ((decimal && exponent > 18) || (!decimal && exponent > 62)) {
      throw corrupt(at, "timestamp resolution out of range: " + resolution);
    }
    long unitsPerSecond = decimal ? POWERS_OF_TEN[exponent] : 1L << exponent;
    return new Interface(link, snaplen, unitsPerSecond, decimal, exponent, List.copyOf(addresses), mac);
  }

  /**
   * An enhanced packet block, or the obsolete packet block it replaced: the same layout but for
   * the interface id, 32 bits in the first, 16 (and a drop count) in the second.
   */
  private void packetBlock(PacketHandler handler, List<Interface> interfaces, long at, long body,
      long bodyLength, boolean big, boolean obsolete)
      throws CaptureException {
    if (bodyLength < 20) {
      throw corrupt(at, (obsolete ? "packet" : "enhanced packet") + " block too short");
    }
    long interfaceId = obsolete ? u16(body, big) : u32(body, big);
    long timestamp = (u32(body + 4, big)) << 32 | (u32(body + 8, big));
    long captured = u32(body + 12, big);
    long wire = u32(body + 16, big);
    if (captured > bodyLength - 20) {
      throw corrupt(at, "packet of " + captured + " bytes in a block of " + bodyLength);
    }
    deliver(handler, interfaces, interfaceId, body + 20, captured, wire, timestamp);
  }

  private void simplePacket(PacketHandler handler, List<Interface> interfaces, long at, long body,
      long bodyLength, boolean big) throws CaptureException {
    if (bodyLength < 4) {
      throw corrupt(at, "simple packet block too short");
    }
    long wire = u32(body, big);
    long captured = Math.min(wire, bodyLength - 4);
    if (!interfaces.isEmpty() && interfaces.get(0).snaplen() > 0) {
      captured = Math.min(captured, interfaces.get(0).snaplen());
    }
    deliver(handler, interfaces, 0, body + 4, captured, wire, -1);
  }

  /** A packet naming an interface the section never described counts as of an unsupported link. */
  private void deliver(PacketHandler handler, List<Interface> interfaces, long interfaceId, long data,
      long captured, long wire, long timestamp) {
    Interface i = interfaceId < interfaces.size() ? interfaces.get((int) interfaceId) : null;
    long nanos = i == null || timestamp < 0 ? 0 : i.nanos(timestamp);
    packets++;
    handler.packet(file, data, (int) captured, (int) Math.min(wire, Integer.MAX_VALUE),
        i == null ? LinkType.UNSUPPORTED : i.link(), nanos);
  }

  /** The unsigned 32-bit field at {@code at}, in the file's byte order. */
  private long u32(long at, boolean big) {
    int value = file.get(BE_INT, at);
    return (big ? value : Integer.reverseBytes(value)) & 0xFFFF_FFFFL;
  }

  /** The unsigned 16-bit field at {@code at}, in the file's byte order. */
  private int u16(long at, boolean big) {
    short value = file.get(BE_SHORT, at);
    return (big ? value : Short.reverseBytes(value)) & 0xFFFF;
  }

  private CaptureException corrupt(long offset, String what) {
    return new CaptureException(name + ": " + what + " at byte " + offset + ", after " + packets + " packets");
  }

  /** Every interface address the file's descriptions give (none in a pcap file). */
  @Override
  public List<IpAddress> localAddresses() {
    return described().stream().flatMap(i -> i.addresses().stream()).distinct().toList();
  }

  /** The first MAC address the file's interface descriptions give, or -1. */
  @Override
  public long localMac() {
    return described().stream().mapToLong(Interface::mac).filter(m -> m >= 0).findFirst().orElse(-1);
  }

  /** The interface descriptions, up to any damage (which {@link #run} reports when it reaches it). */
  private synchronized List<Interface> described() {
    if (described == null) {
      List<Interface> found = new ArrayList<>();
      if (format() == Format.PCAPNG) {
        try {
          readPcapng(null, found);
        } catch (CaptureException e) {
          // the run says where the file is damaged; the descriptions before it stand
        }
      }
      described = List.copyOf(found);
    }
    return described;
  }

  @Override
  public void wakeUp() {}

  @Override
  public void stop() {
    stopped = true;
  }


  @Override
  public void close() {
    arena.close();
  }
}
