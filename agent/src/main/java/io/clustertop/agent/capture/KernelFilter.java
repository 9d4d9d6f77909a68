package io.clustertop.agent.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A capture filter compiled by libpcap for one interface, attached to a packet socket of ours, and
 * kept to run on packets that passed an older filter ({@link PacketRing#refilterPending}).
 *
 * <p>libpcap compiles on a handle it has activated on the interface (for a moment, with the
 * smallest ring), not on a dead one: only an activated Linux handle emits the kernel's VLAN
 * extensions ("vlan" tests the tag the kernel took off the frame, not the frame's bytes), as
 * tcpdump's filter would. Its accept instruction returns the snap length, and that return value is
 * what makes the kernel copy only the snap length into the ring (see docs/RATIONALE.md), so even the
 * empty expression is compiled and attached.
 *
 * <p>Thread safety: {@link #accepts} on the ring's reader; the rest on one thread at a time.
 */
final class KernelFilter implements PacketRing.PacketFilter, AutoCloseable {
  /** libpcap rounds this up to one block of its ring: the least it can activate with. */
  private static final int COMPILER_BUFFER_BYTES = 1;
  private static final int OPTIMIZE = 1;
  private static final long PROGRAM_SIZE = 16; // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
  private static final long PKTHDR_SIZE = 24; // struct pcap_pkthdr { struct timeval ts; caplen; len; }

  private final String expression;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment program = arena.allocate(PROGRAM_SIZE, 8);
  private final MemorySegment header = arena.allocate(PKTHDR_SIZE, 8);
  private int linkType;
  private boolean compiled;
  private boolean closed;

  private KernelFilter(String expression) {
    this.expression = expression;
  }

  /**
   * Compiles {@code expression} ("" for everything) for {@code device}.
   *
   * @throws CaptureException with libpcap's words: a bad expression, or why the interface cannot be
   *     opened (no permission, not up)
   */
  static KernelFilter compile(String device, String expression, int snaplen) throws CaptureException {
    Libpcap.load();
    KernelFilter filter = new KernelFilter(expression);
    try {
      filter.compileOn(device, snaplen);
      return filter;
    } catch (CaptureException | RuntimeException | Error e) {
      filter.close();
      throw e;
    }
  }

  private void compileOn(String device, int snaplen) throws CaptureException {
    try (Arena call = Arena.ofConfined()) {
      MemorySegment errors = call.allocate(Libpcap.ERRBUF_SIZE);
      long handle = (long) Libpcap.Compiler.CREATE.invokeExact(call.allocateFrom(device).address(), errors.address());
      if (handle == 0) {
        throw new CaptureException("cannot capture on " + device + ": " + errors.getString(0));
      }
      try {
        int ignored = (int) Libpcap.Compiler.SET_SNAPLEN.invokeExact(handle, snaplen);
        ignored = (int) Libpcap.Compiler.SET_BUFFER_SIZE.invokeExact(handle, COMPILER_BUFFER_BYTES);
        int status = (int) Libpcap.Compiler.ACTIVATE.invokeExact(handle);
        if (status < 0) {
          String detail = Libpcap.error(handle);
          String message = detail.isEmpty() ? Libpcap.status(status)
              : status == Libpcap.ERROR ? detail : Libpcap.status(status) + " (" + detail + ")";
          throw LiveCapture.openFailure(device, false, message);
        }
        linkType = (int) Libpcap.Compiler.DATALINK.invokeExact(handle);
        int result = (int) Libpcap.Compiler.COMPILE.invokeExact(handle, program.address(),
            call.allocateFrom(expression).address(), OPTIMIZE, Libpcap.NETMASK_UNKNOWN);
        if (result == Libpcap.ERROR) {
          throw new CaptureException("bad filter '" + expression + "': " + Libpcap.error(handle));
        }
        compiled = true;
      } finally {
        closeLater(handle);
      }
    } catch (CaptureException e) {
      throw e;
    } catch (Throwable t) {
      throw Libpcap.unexpected(t);
    }
  }

  /**
   * Closes the compiler's handle on a thread of its own: closing a packet socket waits for an RCU
   * grace period in the kernel (synchronize_net), 30-40 ms here, which would add to the time from
   * launch to capture and, on a filter change, hold up the capture thread.
   */
  private static void closeLater(long handle) {
    Thread.ofPlatform().daemon().name("pcap-close").start(() -> {
      try {
        Libpcap.Compiler.CLOSE.invokeExact(handle);
      } catch (Throwable t) {
        throw Libpcap.unexpected(t);
      }
    });
  }

  /** The device's link type (a DLT_ value) as libpcap activated it. */
  int linkType() {
    return linkType;
  }

  String expression() {
    return expression;
  }

  /** Attaches the program to {@code socket} (SO_ATTACH_FILTER): the kernel swaps filters at once. */
  void attachTo(int socket, Libc.Errno errno) throws CaptureException {
    try (Arena call = Arena.ofConfined()) {
      // struct sock_fprog { unsigned short len; struct sock_filter *filter; }: libpcap's bpf_insn is
      // the kernel's sock_filter, instruction for instruction.
      MemorySegment fprog = call.allocate(16, 8);
      fprog.set(JAVA_SHORT, 0, (short) program.get(JAVA_INT, 0));
      fprog.set(ADDRESS, 8, program.get(ADDRESS, 8));
      if (Libc.setsockopt(errno, socket, Libc.SOL_SOCKET, Libc.SO_ATTACH_FILTER, fprog) != 0) {
        throw new CaptureException(errno.message("cannot attach the filter '" + expression + "'"));
      }
    }
  }

  @Override
  public boolean accepts(long address, int capturedLength, int wireLength) {
    header.set(JAVA_INT, 16, capturedLength);
    header.set(JAVA_INT, 20, wireLength);
    try {
      return (int) Libpcap.Filter.OFFLINE_FILTER.invokeExact(program.address(), header.address(), address) != 0;
    } catch (Throwable t) {
      throw Libpcap.unexpected(t);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (compiled) {
        Libpcap.Compiler.FREECODE.invokeExact(program.address());
      }
    } catch (Throwable t) {
      throw Libpcap.unexpected(t);
    } finally {
      arena.close();
    }
  }
}
