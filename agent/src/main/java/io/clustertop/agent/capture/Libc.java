package io.clustertop.agent.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The C library calls a packet ring needs (Linux, 64-bit), through the FFM API, each returning
 * what the call returned and leaving errno in the caller's {@link Errno}.
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

  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup C = LINKER.defaultLookup();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final VarHandle ERRNO =
      CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

  private static final MethodHandle SOCKET = withErrno("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle SETSOCKOPT =
      withErrno("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle GETSOCKOPT =
      withErrno("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);
  private static final MethodHandle BIND = withErrno("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);
  private static final MethodHandle MMAP =
      withErrno("mmap", ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG);
  private static final MethodHandle MUNMAP = withErrno("munmap", JAVA_INT, ADDRESS, JAVA_LONG);
  private static final MethodHandle POLL = withErrno("poll", JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);
  private static final MethodHandle CLOSE = withErrno("close", JAVA_INT, JAVA_INT);
  private static final MethodHandle EVENTFD = withErrno("eventfd", JAVA_INT, JAVA_INT, JAVA_INT);
  private static final MethodHandle READ = withErrno("read", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  private static final MethodHandle WRITE = withErrno("write", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG);
  private static final MethodHandle IF_NAMETOINDEX =
      withErrno("if_nametoindex", JAVA_INT, ADDRESS);
  private static final MethodHandle STRERROR =
      LINKER.downcallHandle(C.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));

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

  private static MethodHandle withErrno(String name, MemoryLayout result, MemoryLayout... arguments) {
    return LINKER.downcallHandle(C.find(name).orElseThrow(), FunctionDescriptor.of(result, arguments),
        Linker.Option.captureCallState("errno"));
  }

  static int socket(Errno e, int domain, int type, int protocol) {
    try {
      return (int) SOCKET.invokeExact(e.state, domain, type, protocol);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int setsockopt(Errno e, int fd, int level, int option, MemorySegment value) {
    try {
      return (int) SETSOCKOPT.invokeExact(e.state, fd, level, option, value, (int) value.byteSize());
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code length} holds the value's size in, and the size written out. */
  static int getsockopt(Errno e, int fd, int level, int option, MemorySegment value, MemorySegment length) {
    try {
      return (int) GETSOCKOPT.invokeExact(e.state, fd, level, option, value, length);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int bind(Errno e, int fd, MemorySegment address) {
    try {
      return (int) BIND.invokeExact(e.state, fd, address, (int) address.byteSize());
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A shared mapping of {@code length} bytes of {@code fd}; {@code MAP_FAILED} (address -1) on error. */
  static MemorySegment mmap(Errno e, long length, int protection, int fd) {
    try {
      return (MemorySegment) MMAP.invokeExact(e.state, MemorySegment.NULL, length, protection, MAP_SHARED, fd, 0L);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int munmap(Errno e, MemorySegment address, long length) {
    try {
      return (int) MUNMAP.invokeExact(e.state, address, length);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int poll(Errno e, MemorySegment pollfds, int count, int timeoutMillis) {
    try {
      return (int) POLL.invokeExact(e.state, pollfds, (long) count, timeoutMillis);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int close(Errno e, int fd) {
    try {
      return (int) CLOSE.invokeExact(e.state, fd);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static int eventfd(Errno e, int initial, int flags) {
    try {
      return (int) EVENTFD.invokeExact(e.state, initial, flags);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static long read(Errno e, int fd, MemorySegment buffer) {
    try {
      return (long) READ.invokeExact(e.state, fd, buffer, buffer.byteSize());
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static long write(Errno e, int fd, MemorySegment buffer) {
    try {
      return (long) WRITE.invokeExact(e.state, fd, buffer, buffer.byteSize());
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** The interface's index, 0 if there is none of that name. */
  static int ifNameToIndex(Errno e, String name) {
    try (Arena arena = Arena.ofConfined()) {
      return (int) IF_NAMETOINDEX.invokeExact(e.state, arena.allocateFrom(name));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  static String strerror(int errno) {
    try {
      return ((MemorySegment) STRERROR.invokeExact(errno)).reinterpret(256).getString(0);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A downcall itself cannot throw: only a linkage mistake of ours gets here. */
  private static IllegalStateException unexpected(Throwable t) {
    if (t instanceof Error error) {
      throw error;
    }
    return new IllegalStateException("C library call failed", t);
  }
}
