package io.clustertop.agent.capture;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.clustertop.core.packet.LinkType;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Live capture without libpcap in the loop: our own packet socket with the kernel's TPACKET_V3
 * receive ring mapped into memory and walked block by block through a {@link PacketRing}, one
 * {@code poll} for a block rather than a call per packet. libpcap compiles the filter
 * ({@link KernelFilter}) and nothing more.
 *
 * <p>Set-up, in the order that lets no unfiltered packet in: {@code socket(AF_PACKET, SOCK_RAW, 0)}
 * (bound to no protocol, so it receives nothing yet), PACKET_VERSION = TPACKET_V3, PACKET_RX_RING
 * ({@code bufferBytes} in blocks of 256 KiB, as libpcap lays it out, retired after 100 ms when not
 * full), {@code mmap}, the filter (SO_ATTACH_FILTER), then {@code bind} to the interface for every
 * protocol, and promiscuous mode as a membership of the socket (PACKET_ADD_MEMBERSHIP, undone by
 * the kernel when the socket closes).
 *
 * <p>The statistics are the kernel's (PACKET_STATISTICS: packets that passed the filter, dropped
 * ones included, and drops for a full ring), which reset at each read: they are added up here, as
 * libpcap does, so {@link #kernelStats} gives running totals like {@code pcap_stats}. Interface
 * drops come from the device's counters, in promiscuous mode only, as libpcap's do.
 *
 * <p>Thread safety: {@link #run} on one thread; {@link #wakeUp()}, {@link #stop()} and
 * {@link #changeFilter} from any (an eventfd in the same {@code poll} wakes the reader; a new
 * filter is compiled and attached on the reader's thread, between two blocks).
 */
final class RingCapture extends DeviceCapture {
  /** libpcap's TPACKET_V3 block: about 1,200 packets at the default snap length. */
  static final int BLOCK_BYTES = 1 << 18;
  /** The eventfd wakes the reader at once; this only bounds a wait that nothing ends. */
  private static final long POLL_TIMEOUT_SECONDS = 1;
  private static final System.Logger LOG = System.getLogger(RingCapture.class.getName());

  /** Why the ring could not be had here, where libpcap's own loop may still work. */
  static final class Unavailable extends Exception {
    Unavailable(String why) {
      super(why);
    }
  }

  private final int snaplen;
  private final boolean promiscuous;
  private final Arena arena = Arena.ofShared();
  private final Libc.Errno captureErrno = new Libc.Errno();
  private final Libc.Errno otherErrno = new Libc.Errno();
  private final MemorySegment pollFds = arena.allocate(16, 8); // two struct pollfd: the socket, the eventfd
  private final MemorySegment statistics = arena.allocate(12, 4); // struct tpacket_stats_v3
  private final MemorySegment statisticsLength = arena.allocate(JAVA_INT);
  private final MemorySegment wakeValue = arena.allocate(JAVA_LONG);
  private final MemorySegment drained = arena.allocate(JAVA_LONG);
  private final MemorySegment timeout = arena.allocate(16, 8); // struct timespec
  /** wakeUp() and close() from any threads; the capture thread never takes it. */
  private final Object wakeLock = new Object();
  private int socket = -1;
  private int wakeFd = -1;
  private int blocks;
  private PacketRing ring;
  private KernelFilter filter;
  private long received;
  private long droppedByKernel;
  private long ringFrozen;
  private long interfaceDropsAtOpen;

  private RingCapture(CaptureDevice device, int snaplen, boolean promiscuous) {
    super(device);
    this.snaplen = snaplen;
    this.promiscuous = promiscuous;
  }

  /**
   * Opens the ring on {@code device}.
   *
   * @throws CaptureException for what the user must fix (a bad filter, no permission)
   * @throws Unavailable where the ring cannot be had (not an Ethernet-like device, a kernel without
   *     TPACKET_V3, no memory for the ring): libpcap's loop is the way then
   */
  static RingCapture open(CaptureDevice device, boolean promiscuous, String filterExpression, int snaplen,
      int bufferBytes) throws CaptureException, Unavailable {
    RingCapture capture = new RingCapture(device, snaplen, promiscuous);
    try {
      capture.setUp(filterExpression == null ? "" : filterExpression, bufferBytes);
      return capture;
    } catch (CaptureException | Unavailable | RuntimeException | Error e) {
      capture.close();
      throw e;
    }
  }

  private void setUp(String expression, int bufferBytes) throws CaptureException, Unavailable {
    filter = KernelFilter.compile(device.name(), expression, snaplen);
    if (filter.linkType() != Libpcap.DLT_EN10MB) {
      throw new Unavailable("link type " + filter.linkType() + " is read through libpcap");
    }
    Libc.Errno errno = otherErrno;
    socket = Libc.socket(errno, Libc.AF_PACKET, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, 0);
    if (socket < 0) {
      if (errno.value() == Libc.EPERM || errno.value() == Libc.EACCES) {
        throw LiveCapture.openFailure(device.name(), promiscuous, errno.message("socket"));
      }
      throw new Unavailable(errno.message("socket(AF_PACKET)"));
    }
    MemorySegment version = arena.allocate(JAVA_INT);
    version.set(JAVA_INT, 0, Libc.TPACKET_V3);
    if (Libc.setsockopt(errno, socket, Libc.SOL_PACKET, Libc.PACKET_VERSION, version) != 0) {
      throw new Unavailable(errno.message("TPACKET_V3"));
    }
    blocks = Math.max(1, (int) ((bufferBytes + (long) BLOCK_BYTES - 1) / BLOCK_BYTES));
    MemorySegment request = arena.allocate(28, 4); // struct tpacket_req3
    request.set(JAVA_INT, 0, BLOCK_BYTES); // tp_block_size
    request.set(JAVA_INT, 4, blocks); // tp_block_nr
    request.set(JAVA_INT, 8, BLOCK_BYTES); // tp_frame_size: V3 frames are blocks
    request.set(JAVA_INT, 12, blocks); // tp_frame_nr
    request.set(JAVA_INT, 16, LiveCapture.TIMEOUT_MILLIS); // tp_retire_blk_tov
    if (Libc.setsockopt(errno, socket, Libc.SOL_PACKET, Libc.PACKET_RX_RING, request) != 0) {
      throw new Unavailable(errno.message("a ring of " + blocks + " blocks of " + BLOCK_BYTES + " bytes"));
    }
    long length = (long) blocks * BLOCK_BYTES;
    long mapped = Libc.mmap(errno, length, Libc.PROT_READ | Libc.PROT_WRITE, socket);
    if (mapped == -1L) {
      throw new Unavailable(errno.message("mmap of the ring"));
    }
    MemorySegment memory = MemorySegment.ofAddress(mapped)
        .reinterpret(length, arena, m -> Libc.munmap(new Libc.Errno(), m.address(), length));
    ring = new PacketRing(memory, BLOCK_BYTES, blocks, LinkType.ETHERNET, device.loopback());
    filter.attachTo(socket, errno);
    int index = interfaceIndex(errno);
    if (index <= 0) {
      throw new CaptureException("no interface '" + device.name() + "' any more");
    }
    MemorySegment address = arena.allocate(20, 4); // struct sockaddr_ll
    address.set(JAVA_SHORT, 0, (short) Libc.AF_PACKET);
    address.set(JAVA_SHORT, 2, Short.reverseBytes((short) Libc.ETH_P_ALL)); // network order
    address.set(JAVA_INT, 4, index);
    if (Libc.bind(errno, socket, address) != 0) {
      throw new CaptureException(errno.message("cannot capture on " + device.name()));
    }
    if (promiscuous) {
      MemorySegment membership = arena.allocate(16, 4); // struct packet_mreq
      membership.set(JAVA_INT, 0, index);
      membership.set(JAVA_SHORT, 4, (short) Libc.PACKET_MR_PROMISC);
      if (Libc.setsockopt(errno, socket, Libc.SOL_PACKET, Libc.PACKET_ADD_MEMBERSHIP, membership) != 0) {
        throw LiveCapture.openFailure(device.name(), true, errno.message("promiscuous mode"));
      }
      interfaceDropsAtOpen = interfaceDrops();
    }
    wakeFd = Libc.eventfd(errno, 0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
    if (wakeFd < 0) {
      throw new Unavailable(errno.message("eventfd"));
    }
    wakeValue.set(JAVA_LONG, 0, 1);
    pollFds.set(JAVA_INT, 0, socket);
    pollFds.set(JAVA_SHORT, 4, (short) Libc.POLLIN);
    pollFds.set(JAVA_INT, 8, wakeFd);
    pollFds.set(JAVA_SHORT, 12, (short) Libc.POLLIN);
  }

  @Override
  public String captureMethod() {
    return "TPACKET_V3 ring read directly (" + blocks + " blocks of " + BLOCK_BYTES / 1024 + " KiB)";
  }

  @Override
  public void run(PacketHandler handler) throws CaptureException {
    try {
      while (!stopped) {
        if (!ring.readBlock(handler)) {
          waitForBlock();
        }
        betweenReads(handler);
      }
    } finally {
      loopEnded();
    }
  }

  /** One poll: a block retired (full, or 100 ms after its first packet), a wake-up, or the timeout. */
  private void waitForBlock() throws CaptureException {
    timeout.set(JAVA_LONG, 0, POLL_TIMEOUT_SECONDS); // ppoll leaves the time remaining here: set it anew
    timeout.set(JAVA_LONG, 8, 0);
    int ready = Libc.poll(captureErrno, pollFds, 2, timeout);
    if (ready < 0) {
      if (captureErrno.value() == Libc.EINTR) {
        return;
      }
      throw new CaptureException(captureErrno.message("capture on " + name() + " failed: poll"));
    }
    int socketEvents = pollFds.get(JAVA_SHORT, 6);
    if ((socketEvents & (Libc.POLLERR | Libc.POLLHUP | Libc.POLLNVAL)) != 0) {
      socketFault(socketEvents);
    }
    if (pollFds.get(JAVA_SHORT, 14) != 0) {
      long ignored = Libc.read(captureErrno, wakeFd, drained); // resets the eventfd
    }
  }

  /** As libpcap: an interface that went down may come back; one that is gone, or another error, ends the capture. */
  private void socketFault(int events) throws CaptureException {
    if ((events & (Libc.POLLHUP | Libc.POLLNVAL)) != 0) {
      throw new CaptureException("capture on " + name() + " failed: the packet socket hung up");
    }
    statisticsLength.set(JAVA_INT, 0, 4);
    int error = Libc.getsockopt(captureErrno, socket, Libc.SOL_SOCKET, Libc.SO_ERROR, statistics, statisticsLength) == 0
        ? statistics.get(JAVA_INT, 0) : captureErrno.value();
    if (error == Libc.ENETDOWN) {
      if (interfaceIndex(captureErrno) <= 0) {
        throw new CaptureException("capture on " + name() + " failed: the interface disappeared");
      }
      return; // down: wait for it to come back up
    }
    throw new CaptureException("capture on " + name() + " failed: " + (error == 0 ? "error condition on the packet socket"
        : Libc.strerror(error)));
  }

  /** The interface's index now, or -1 if it is gone. */
  private int interfaceIndex(Libc.Errno errno) {
    return Libc.interfaceIndex(errno, socket, name());
  }

  /** On the capture thread, between blocks: compiles, attaches, and refilters what the ring holds. */
  @Override
  void installFilter(String expression) throws CaptureException {
    KernelFilter next = KernelFilter.compile(name(), expression, snaplen);
    try {
      next.attachTo(socket, captureErrno);
    } catch (CaptureException e) {
      next.close();
      throw e;
    }
    ring.refilterPending(next);
    KernelFilter previous = filter;
    filter = next;
    previous.close();
  }

  @Override
  public void wakeUp() {
    synchronized (wakeLock) { // never a write to a number close() has just given back
      if (wakeFd >= 0) {
        long ignored = Libc.write(otherErrno, wakeFd, wakeValue);
      }
    }
  }

  @Override
  public KernelStats kernelStats() {
    if (socket < 0) {
      return KernelStats.NONE;
    }
    statisticsLength.set(JAVA_INT, 0, 12);
    if (Libc.getsockopt(otherErrno, socket, Libc.SOL_PACKET, Libc.PACKET_STATISTICS, statistics, statisticsLength) == 0) {
      // Read and reset by the kernel: tp_packets (drops included), tp_drops, tp_freeze_q_cnt.
      received += statistics.get(JAVA_INT, 0) & 0xFFFF_FFFFL;
      droppedByKernel += statistics.get(JAVA_INT, 4) & 0xFFFF_FFFFL;
      long frozen = statistics.get(JAVA_INT, 8) & 0xFFFF_FFFFL;
      if (frozen > 0) {
        ringFrozen += frozen;
        LOG.log(System.Logger.Level.WARNING, "the capture ring on {0} filled up {1} time(s); {2} packet(s) dropped so far"
            + " (a larger --buffer holds longer bursts)", name(), ringFrozen, droppedByKernel);
      }
    }
    return new KernelStats(received, droppedByKernel, promiscuous ? interfaceDrops() - interfaceDropsAtOpen : 0);
  }

  /** libpcap's ps_ifdrop: the device's missed and FIFO errors. */
  private long interfaceDrops() {
    return deviceCounter("rx_missed_errors") + deviceCounter("rx_fifo_errors");
  }

  private long deviceCounter(String counter) {
    try {
      return Long.parseLong(Files.readString(Path.of("/sys/class/net", name(), "statistics", counter)).trim());
    } catch (IOException | NumberFormatException e) {
      return 0; // a device without the counter drops nothing it can tell
    }
  }

  @Override
  public void close() {
    synchronized (wakeLock) {
      if (wakeFd >= 0) {
        Libc.close(otherErrno, wakeFd);
        wakeFd = -1;
      }
    }
    if (socket >= 0) {
      Libc.close(otherErrno, socket);
      socket = -1;
    }
    if (arena.scope().isAlive()) {
      arena.close(); // unmaps the ring
    }
    if (filter != null) {
      filter.close();
    }
  }
}
