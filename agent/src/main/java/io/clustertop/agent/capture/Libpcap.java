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
 * The libpcap functions clustertop calls through the FFM API: compiling filters (both capture
 * paths), listing devices, and the fallback path's {@code pcap_dispatch}.
 *
 * <p>Each group of functions is bound the first time it is used (a nested class per group), and
 * pointers are declared as {@code long}s throughout: the FFM linker generates code for every
 * distinct function shape at start-up, so fewer shapes, made only when needed, are a shorter
 * launch (see {@link Libc}). On the capture thread a {@code long} also spares a
 * {@code MemorySegment} per call.
 *
 * <p>Thread safety: the handles are; libpcap's {@code pcap_t} is not (one thread at a time).
 */
final class Libpcap {
  static final int ERRBUF_SIZE = 256;
  static final int DLT_EN10MB = 1;
  /** pcap_compile's netmask when there is none to give (only "ip broadcast" needs it). */
  static final int NETMASK_UNKNOWN = 0xFFFFFFFF;
  static final int ERROR = -1;

  private static SymbolLookup library;

  private Libpcap() {}

  /** Finds the library under Debian's and upstream's names; the groups below need this first. */
  static synchronized void load() throws CaptureException {
    if (library != null) {
      return;
    }
    for (String name : new String[] {"libpcap.so.0.8", "libpcap.so.1", "libpcap.so"}) {
      try {
        library = SymbolLookup.libraryLookup(name, Arena.global());
        return;
      } catch (IllegalArgumentException e) {
        // not under this name: try the next
      }
    }
    throw new CaptureException("libpcap is not installed (on Debian: apt-get install libpcap0.8)");
  }

  /** Loads the library and binds the filter compiler's functions now (LiveCapture.prepareInBackground). */
  static void prepareCompiler() throws CaptureException {
    load();
    MethodHandle bound = Compiler.CREATE; // initializes the group
  }

  private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
    if (library == null) {
      throw new IllegalStateException("Libpcap.load() first");
    }
    return Linker.nativeLinker().downcallHandle(library.find(name).orElseThrow(), descriptor);
  }

  /** A filter compiled on a handle activated for the purpose (KernelFilter). */
  static final class Compiler {
    /** {@code pcap_t *pcap_create(const char *source, char *errbuf)}. */
    static final MethodHandle CREATE = bind("pcap_create", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
    static final MethodHandle SET_SNAPLEN = bind("pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    static final MethodHandle SET_BUFFER_SIZE =
        bind("pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT));
    static final MethodHandle ACTIVATE = bind("pcap_activate", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    static final MethodHandle DATALINK = bind("pcap_datalink", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
    /** {@code int pcap_compile(pcap_t *, struct bpf_program *, const char *, int optimize, bpf_u_int32 netmask)}. */
    static final MethodHandle COMPILE =
        bind("pcap_compile", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT));
    static final MethodHandle CLOSE = bind("pcap_close", FunctionDescriptor.ofVoid(JAVA_LONG));
    static final MethodHandle FREECODE = bind("pcap_freecode", FunctionDescriptor.ofVoid(JAVA_LONG));
  }

  /** {@code int pcap_offline_filter(const struct bpf_program *, const struct pcap_pkthdr *, const u_char *)}. */
  static final class Filter {
    static final MethodHandle OFFLINE_FILTER =
        bind("pcap_offline_filter", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG));
  }

  /** {@code pcap_findalldevs} and its list's release. */
  static final class Devices {
    static final MethodHandle FIND_ALL = bind("pcap_findalldevs", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    static final MethodHandle FREE_ALL = bind("pcap_freealldevs", FunctionDescriptor.ofVoid(JAVA_LONG));
  }

  /** {@code int pcap_dispatch(pcap_t *, int count, pcap_handler callback, u_char *user)}: the fallback loop. */
  static final class Dispatch {
    static final MethodHandle DISPATCH =
        bind("pcap_dispatch", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
  }

  private static final class Errors {
    static final MethodHandle GETERR = bind("pcap_geterr", FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    static final MethodHandle STATUSTOSTR = bind("pcap_statustostr", FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  /** A C string libpcap returned, as Java text. */
  static String text(MemorySegment string) {
    return string.equals(MemorySegment.NULL) ? "" : string.reinterpret(ERRBUF_SIZE * 4).getString(0);
  }

  /** {@code pcap_geterr}: the handle's last error message. */
  static String error(long pcap) {
    try {
      return text((MemorySegment) Errors.GETERR.invokeExact(pcap));
    } catch (Throwable t) {
      throw unexpected(t);
    }
  }

  /** {@code pcap_statustostr}: libpcap's words for an activation status. */
  static String status(int status) {
    try {
      return text((MemorySegment) Errors.STATUSTOSTR.invokeExact(status));
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
