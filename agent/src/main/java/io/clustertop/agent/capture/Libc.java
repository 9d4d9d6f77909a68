package io.clustertop.agent.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * The Linux system calls a packet ring needs, through the C library's {@code syscall(2)} and the
 * FFM API, each returning what the kernel returned (-1 with errno in the caller's {@link Errno}).
 *
 * <p>Why {@code syscall} rather than a downcall per function: every distinct function shape costs
 * the FFM linker a generated class and a native stub at start-up (~5-10 ms each here, measured),
 * and a dozen shapes were a large part of clustertop's time from launch to capture. One variadic
 * shape serves every call; the numbers are x86-64's and AArch64's.
 *
 * <p>Thread safety: the calls are; an {@link Errno} belongs to one thread at a time.
 */
final class Libc {
  static final int AF_PACKET = 17;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_ERROR = 4;
  static final int SO_ATTACH_FILTER = 26;
  static final int SOL_PACKET = 263;
  static final int PACKET_ADD_MEMBERSHIP = 1;
  static final int PACKET_RX_RING = 5;
  static final int PACKET_STATISTICS = 6;
  static final int PACKET_VERSION = 10;
  static final int PACKET_MR_PROMISC = 1;
  static final int TPACKET_V3 = 2;
  static final int ETH_P_ALL = 0x0003;
  static final int PROT_READ = 1;
  static final int PROT_WRITE = 2;
  static final int MAP_SHARED = 1;
  static final int POLLIN = 0x1;
  static final int POLLERR = 0x8;
  static final int POLLHUP = 0x10;
  static final int POLLNVAL = 0x20;
  static final int EFD_CLOEXEC = 0x80000;
  static final int EFD_NONBLOCK = 0x800;
  static final int EINTR = 4;
  static final int EPERM = 1;
  static final int EACCES = 13;
  static final int ENETDOWN = 100;
  static final int SIOCGIFINDEX = 0x8933;
  static final int IFNAMSIZ = 16;

  private static final boolean AARCH64 = System.getProperty("os.arch").equals("aarch64");

  /** System call numbers: x86-64's, and the generic table AArch64 uses. */
  private enum Call {
    READ(0, 63), WRITE(1, 64), CLOSE(3, 57), MMAP(9, 222), MUNMAP(11, 215), PPOLL(271, 73), SOCKET(41, 198),
    BIND(49, 200), SETSOCKOPT(54, 208), GETSOCKOPT(55, 209), EVENTFD2(290, 19), IOCTL(16, 29);

    final long number;

    Call(int x64, int aarch64) {
      this.number = AARCH64 ? aarch64 : x64;
    }
  }

  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
  /** {@code long syscall(long number, ...)}: six arguments after the number, all register-sized. */
  private static final MethodHandle SYSCALL = Linker.nativeLinker().downcallHandle(
      Linker.nativeLinker().defaultLookup().find("syscall").orElseThrow(),
      FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
      Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

  private Libc() {}

  /** Where one thread's calls leave errno: made once per thread that calls, not per call. */
  static final class Errno {
    final MemorySegment state = Arena.ofAuto().allocate(CALL_STATE);

    int value() {
      return (int) ERRNO.get(state, 0L);
    }

    /** "what: the C library's words for errno". */
    String message(String what) {
      return what + ": " + Libc.strerror(value());
    }
  }

  private static long call(Errno e, Call call, long a, long b, long c, long d, long f, long g) {
    try {
      return (long) SYSCALL.invokeExact(e.state, call.number, a, b, c, d, f, g);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** Binds the system call now and makes one that does nothing (close(-1)), so the first real one is quick. */
  static void prepare() {
    close(new Errno(), -1);
  }

  static int socket(Errno e, int domain, int type, int protocol) {
    return (int) call(e, Call.SOCKET, domain, type, protocol, 0, 0, 0);
  }

  static int setsockopt(Errno e, int fd, int level, int option, MemorySegment value) {
    return (int) call(e, Call.SETSOCKOPT, fd, level, option, value.address(), value.byteSize(), 0);
  }

  /** {@code length} holds the value's size in, and the size written out. */
  static int getsockopt(Errno e, int fd, int level, int option, MemorySegment value, MemorySegment length) {
    return (int) call(e, Call.GETSOCKOPT, fd, level, option, value.address(), length.address(), 0);
  }

  static int bind(Errno e, int fd, MemorySegment address) {
    return (int) call(e, Call.BIND, fd, address.address(), address.byteSize(), 0, 0, 0);
  }

  /** The address of a shared mapping of {@code length} bytes of {@code fd}; -1 on error. */
  static long mmap(Errno e, long length, int protection, int fd) {
    return call(e, Call.MMAP, 0, length, protection, MAP_SHARED, fd, 0);
  }

  static int munmap(Errno e, long address, long length) {
    return (int) call(e, Call.MUNMAP, address, length, 0, 0, 0, 0);
  }

  /** {@code ppoll} with a timeout ({@code struct timespec}) and the thread's signal mask. */
  static int poll(Errno e, MemorySegment pollfds, int count, MemorySegment timeout) {
    return (int) call(e, Call.PPOLL, pollfds.address(), count, timeout.address(), 0, 0, 0);
  }

  static int close(Errno e, int fd) {
    return (int) call(e, Call.CLOSE, fd, 0, 0, 0, 0, 0);
  }

  static int eventfd(Errno e, int initial, int flags) {
    return (int) call(e, Call.EVENTFD2, initial, flags, 0, 0, 0, 0);
  }

  /**
   * The index of interface {@code name} as {@code fd}'s network namespace knows it ({@code SIOCGIFINDEX},
   * as libpcap asks), or -1: none by that name (errno ENODEV), or a name longer than any interface's. Not through
   * {@code java.net.NetworkInterface}: it lists only interfaces with an address, and a port that only
   * carries others' traffic (a mirror, a bridge member) has none.
   */
  static int interfaceIndex(Errno e, int fd, String name) {
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length >= IFNAMSIZ) {
      return -1; // no interface has a longer name
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment request = arena.allocate(40, 8); // struct ifreq: the name, then ifr_ifindex at 16
      MemorySegment.copy(bytes, 0, request, JAVA_BYTE, 0, bytes.length);
      if (call(e, Call.IOCTL, fd, SIOCGIFINDEX, request.address(), 0, 0, 0) != 0) {
        return -1;
      }
      return request.get(JAVA_INT, IFNAMSIZ);
    }
  }

  static long read(Errno e, int fd, MemorySegment buffer) {
    return call(e, Call.READ, fd, buffer.address(), buffer.byteSize(), 0, 0, 0);
  }

  static long write(Errno e, int fd, MemorySegment buffer) {
    return call(e, Call.WRITE, fd, buffer.address(), buffer.byteSize(), 0, 0, 0);
  }

  /** The C library's words for an errno value; looked up only when something failed. */
  static String strerror(int errno) {
    try {
      return ((MemorySegment) Strerror.HANDLE.invokeExact(errno)).reinterpret(256).getString(0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  private static final class Strerror {
    static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
        Linker.nativeLinker().defaultLookup().find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  /** A downcall itself cannot throw: only a linkage mistake of ours gets here. */
  private static IllegalStateException unexpected(Throwable t) {
    if (t instanceof Error error) {
      throw error;
    }
    return new IllegalStateException("system call failed", t);
  }
}
