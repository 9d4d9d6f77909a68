package io.clustertop.agent.capture;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The libpcap functions clustertop calls through the FFM API, looked up once: listing devices,
 * compiling filters (both capture paths), and the fallback path's {@code pcap_dispatch}.
 *
 * <p>Pointers that are only passed through are declared as {@code long}s (the same registers on
 * every 64-bit ABI), so a call on the capture thread makes no {@code MemorySegment}.
 *
 * <p>Thread safety: the handles are; libpcap's {@code pcap_t} is not (one thread at a time).
 */
final class Libpcap {
  static final int ERRBUF_SIZE = 256;
  static final int DLT_EN10MB = 1;
  /** pcap_compile's netmask when there is none to give (only "ip broadcast" needs it). */
  static final int NETMASK_UNKNOWN = 0xFFFFFFFF;
  static final int ERROR = -1;

  private static Libpcap loaded;

  final MethodHandle findAllDevs;
  final MethodHandle freeAllDevs;
  final MethodHandle create;
  final MethodHandle setSnaplen;
  final MethodHandle setBufferSize;
  final MethodHandle activate;
  final MethodHandle datalink;
  final MethodHandle compile;
  final MethodHandle freeCode;
  /** {@code (bpf_program*, pcap_pkthdr*, u_char* as long)}: the packet's address as a plain long. */
  final MethodHandle offlineFilter;
  final MethodHandle getError;
  final MethodHandle statusToString;
  final MethodHandle close;
  /** {@code (pcap_t*, int, callback*, u_char*)}. */
  final MethodHandle dispatch;

  private Libpcap(SymbolLookup library) {
    Linker linker = Linker.nativeLinker();
    findAllDevs = handle(linker, library, "pcap_findalldevs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    freeAllDevs = handle(linker, library, "pcap_freealldevs", FunctionDescriptor.ofVoid(ADDRESS));
    create = handle(linker, library, "pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    setSnaplen = handle(linker, library, "pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    setBufferSize = handle(linker, library, "pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    activate = handle(linker, library, "pcap_activate", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    datalink = handle(linker, library, "pcap_datalink", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    compile = handle(linker, library, "pcap_compile",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT));
    freeCode = handle(linker, library, "pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS));
    offlineFilter = handle(linker, library, "pcap_offline_filter",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
    getError = handle(linker, library, "pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS));
    statusToString = handle(linker, library, "pcap_statustostr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    close = handle(linker, library, "pcap_close", FunctionDescriptor.ofVoid(ADDRESS));
    dispatch = handle(linker, library, "pcap_dispatch",
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
  }

  private static MethodHandle handle(Linker linker, SymbolLookup library, String name, FunctionDescriptor descriptor) {
    return linker.downcallHandle(library.find(name).orElseThrow(), descriptor);
  }

  /** The library, found under Debian's and upstream's names. */
  static synchronized Libpcap load() throws CaptureException {
    if (loaded == null) {
      SymbolLookup library = null;
      for (String name : new String[] {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"}) {
        try {
          library = SymbolLookup.libraryLookup(name, Arena.global());
          break;
        } catch (IllegalArgumentException e) {
          // not under this name: try the next
        }
      }
      if (library == null) {
        throw new CaptureException("libpcap is not installed (on Debian: apt-get install libpcap0.8)");
      }
      loaded = new Libpcap(library);
    }
    return loaded;
  }

  /** A C string libpcap returned, as Java text. */
  static String text(MemorySegment string) {
    return string.equals(MemorySegment.NULL) ? "" : string.reinterpret(ERRBUF_SIZE * 4).getString(0);
  }

  /** {@code pcap_geterr}: the handle's last error message. */
  String error(MemorySegment pcap) {
    try {
      return text((MemorySegment) getError.invokeExact(pcap));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code pcap_statustostr}: libpcap's words for an activation status. */
  String status(int status) {
    try {
      return text((MemorySegment) statusToString.invokeExact(status));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  void close(MemorySegment pcap) {
    try {
      close.invokeExact(pcap);
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** A downcall itself cannot throw: only a linkage mistake of ours gets here. */
  static IllegalStateException unexpected(Throwable t) {
    if (t instanceof Error error) {
      throw error;
    }
    return new IllegalStateException("libpcap call failed", t);
  }
}
