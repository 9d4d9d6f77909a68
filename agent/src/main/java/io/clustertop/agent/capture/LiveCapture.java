package io.clustertop.agent.capture;

import com.sun.jna.Pointer;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.packet.LinkType;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapAddress;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.util.LinkLayerAddress;

/**
 * Live capture on one interface: pcap4j opens and configures the libpcap handle (snap length,
 * buffer, promiscuous mode, filter, statistics, break-loop), and the per-packet loop calls
 * {@code pcap_dispatch} on that same handle through the Java FFM API.
 *
 * <p>Why not pcap4j's own loop: its raw listener copies every packet into a new byte array and
 * costs ~620 ns per packet here, against ~170 ns for an FFM upcall (FACTS.md). The upcall takes libpcap's pointers as plain {@code long}s (the same registers
 * on every 64-bit ABI), so no object is made per packet: the decoder reads the ring in place
 * through an all-memory segment, its own bounds checks standing guard.
 *
 * <p>Thread safety: {@link #run} on one thread; {@link #wakeUp()}, {@link #stop()} and {@link
 * #changeFilter} from any (libpcap's break-loop is made for that; a new filter is handed to the
 * capture thread, which sets it between two dispatch calls).
 */
public final class LiveCapture implements PacketSource {
  /** Snap length: Ethernet, two VLAN tags, IPv6 with extension headers, TCP ports. */
  public static final int DEFAULT_SNAPLEN = 128;
  /** A 32 MiB ring took 0.58 Mpps here without drops (FACTS.md). */
  public static final int DEFAULT_BUFFER_BYTES = 32 << 20;
  /** Immediate mode would push libpcap back to TPACKET_V2; a timeout retires blocks instead. */
  private static final int TIMEOUT_MILLIS = 100;

  private static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
  private static final int PCAP_ERROR = -1;

  private final PcapNetworkInterface device;
  private final PcapHandle handle;
  private final MemorySegment pcap;
  private final LinkType link;
  private final MethodHandle dispatch;
  private final MethodHandle getError;
  private final List<IpAddress> addresses;
  private final long mac;
  private final FilterHandOff filterChanges = new FilterHandOff();
  /** Made once: a method reference evaluated in the loop would be a new object per dispatch call. */
  private final FilterHandOff.Installer installer = this::installFilter;
  private volatile boolean stopped;
  private PacketHandler handler;

  private LiveCapture(PcapNetworkInterface device, PcapHandle handle, Pcap library) throws CaptureException {
    this.device = device;
    this.handle = handle;
    this.pcap = MemorySegment.ofAddress(handlePointer(handle));
    this.link = LinkType.of(handle.getDlt().value());
    this.dispatch = library.dispatch;
    this.getError = library.getError;
    this.addresses = addressesOf(device);
    this.mac = macOf(device);
  }

  /**
   * Opens {@code interfaceName} for capture.
   *
   * @param filter a BPF expression, or null for everything
   * @throws CaptureException with one line for the user: no such interface (listing those there
   *     are), no permission (naming the capability), libpcap missing, a bad filter
   */
  public static LiveCapture open(String interfaceName, boolean promiscuous, String filter, int snaplen, int bufferBytes)
      throws CaptureException {
    Pcap library = Pcap.load();
    PcapNetworkInterface device = Interfaces.find(interfaceName);
    PcapHandle handle;
    try {
      handle = new PcapHandle.Builder(device.getName())
          .snaplen(snaplen)
          .promiscuousMode(promiscuous
              ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
              : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
          .timeoutMillis(TIMEOUT_MILLIS)
          .bufferSize(bufferBytes)
          .build();
    } catch (PcapNativeException e) {
      throw openFailure(device.getName(), promiscuous, e.getMessage());
    }
    try {
      // Always a filter, the empty one when none was asked for: libpcap compiles its accept as
      // "ret #snaplen", and that return value is what makes the kernel copy only the snap length
      // into a TPACKET_V3 ring. Without one, each 64 KB GSO packet of a TCP stream is copied whole,
      // the ring holds a few hundred packets, and bursts drop (seen in the namespace test).
      setFilter(handle, filter == null ? "" : filter);
      return new LiveCapture(device, handle, library);
    } catch (CaptureException | NotOpenException | RuntimeException e) {
      handle.close();
      if (e instanceof CaptureException ce) {
        throw ce;
      }
      throw new CaptureException("cannot set up capture on " + device.getName() + ": " + e.getMessage(), e);
    }
  }

  /** Compiles with libpcap and installs; a bad expression is libpcap's message on one line. */
  private static void setFilter(PcapHandle handle, String expression) throws CaptureException, NotOpenException {
    try {
      handle.setFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE);
    } catch (PcapNativeException e) {
      throw new CaptureException("bad filter '" + expression + "': " + libpcapMessage(e.getMessage()));
    }
  }

  private static CaptureException openFailure(String name, boolean promiscuous, String message) {
    String text = message == null ? "" : message;
    if (text.contains("ermission") || text.contains("not permitted")) {
      // Not setcap on the java binary: file capabilities make the JDK ignore LD_LIBRARY_PATH and
      // $ORIGIN, and it no longer finds its own libjli.so.
      return new CaptureException("no permission to capture on " + name + ": capturing needs CAP_NET_RAW"
          + (promiscuous ? " and, for promiscuous mode, CAP_NET_ADMIN" : "")
          + ": run as root, or as a user given CAP_NET_RAW and CAP_NET_ADMIN as ambient capabilities"
          + " (systemd: AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN; by hand: setpriv --inh-caps=+net_raw,+net_admin"
          + " --ambient-caps=+net_raw,+net_admin); see the README, \"Capture without root\"");
    }
    return new CaptureException("cannot capture on " + name + ": " + libpcapMessage(text));
  }

  /** pcap4j wraps libpcap's text in its own words; the user wants libpcap's. */
  private static String libpcapMessage(String message) {
    if (message == null) {
      return "unknown libpcap error";
    }
    String text = message.replaceFirst("^Error occurred in pcap_[a-z_]+: ", "");
    int error = text.indexOf("Error: ");
    return (error >= 0 ? text.substring(error + 7) : text).trim();
  }

  /** The pcap_t* that pcap4j holds: pcap4j keeps it private, and the dispatch loop needs it. */
  private static long handlePointer(PcapHandle handle) throws CaptureException {
    try {
      Field field = PcapHandle.class.getDeclaredField("handle");
      field.setAccessible(true);
      return Pointer.nativeValue((Pointer) field.get(handle));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new CaptureException("this pcap4j version hides its libpcap handle: " + e, e);
    }
  }

  private static List<IpAddress> addressesOf(PcapNetworkInterface device) {
    List<IpAddress> list = new ArrayList<>();
    for (PcapAddress a : device.getAddresses()) {
      if (a.getAddress() != null) {
        list.add(IpAddress.of(a.getAddress()));
      }
    }
    return List.copyOf(list);
  }

  private static long macOf(PcapNetworkInterface device) {
    for (LinkLayerAddress a : device.getLinkLayerAddresses()) {
      byte[] b = a.getAddress();
      if (b.length == 6) {
        long m = 0;
        for (byte x : b) {
          m = m << 8 | (x & 0xFF);
        }
        return m;
      }
    }
    return -1;
  }

  @Override
  public String name() {
    return device.getName();
  }

  @Override
  public boolean live() {
    return true;
  }


  @Override
  public void run(PacketHandler handler) throws CaptureException {
    this.handler = handler;
    try (Arena arena = Arena.ofConfined()) {
      MethodHandle callback = MethodHandles.lookup()
          .findVirtual(LiveCapture.class, "onPacket", MethodType.methodType(void.class, long.class, long.class, long.class))
          .bindTo(this);
      MemorySegment stub = Linker.nativeLinker().upcallStub(callback,
          FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), arena);
      while (!stopped) {
        int result = (int) dispatch.invokeExact(pcap, -1, stub, MemorySegment.NULL);
        if (result == PCAP_ERROR) {
          throw new CaptureException("capture on " + name() + " failed: " + error());
        }
        handler.betweenBatches(); // also after -2: break-loop is how wakeUp() asks for this
        filterChanges.applyPending(installer); // here, not per packet: one volatile read per dispatch call
      }
    } catch (CaptureException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libpcap dispatch failed", e);
    } finally {
      filterChanges.close("the capture on " + name() + " has stopped");
    }
  }

  /** On the capture thread, between dispatch calls: the handle is never used by two threads at once. */
  private void installFilter(String expression) throws CaptureException {
    try {
      setFilter(handle, expression);
    } catch (NotOpenException e) {
      throw new CaptureException("the capture on " + name() + " is closed", e);
    }
  }

  @Override
  public CompletionStage<FilterOutcome> changeFilter(String expression) {
    CompletionStage<FilterOutcome> outcome = filterChanges.request(expression);
    wakeUp(); // dispatch returns at the next read timeout anyway; break-loop makes it now
    return outcome;
  }

  /** libpcap's callback: {@code (u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)}. */
  @SuppressWarnings("unused") // called from native code through the upcall stub
  private void onPacket(long user, long header, long bytes) {
    // struct pcap_pkthdr on LP64: struct timeval (two longs), caplen, len
    long seconds = ALL_MEMORY.get(ValueLayout.JAVA_LONG, header);
    long micros = ALL_MEMORY.get(ValueLayout.JAVA_LONG, header + 8);
    int captured = ALL_MEMORY.get(ValueLayout.JAVA_INT, header + 16);
    int wire = ALL_MEMORY.get(ValueLayout.JAVA_INT, header + 20);
    handler.packet(ALL_MEMORY, bytes, captured, wire, link, seconds * 1_000_000_000L + micros * 1000);
  }

  private String error() throws Throwable {
    MemorySegment text = (MemorySegment) getError.invokeExact(pcap);
    return text.reinterpret(1024).getString(0);
  }

  @Override
  public void wakeUp() {
    try {
      handle.breakLoop();
    } catch (NotOpenException e) {
      // closed already: nothing to wake
    }
  }

  @Override
  public void stop() {
    stopped = true;
    wakeUp();
  }

  @Override
  public KernelStats kernelStats() {
    try {
      PcapStat s = handle.getStats();
      return new KernelStats(s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf());
    } catch (PcapNativeException | NotOpenException e) {
      return KernelStats.NONE;
    }
  }

  @Override
  public List<IpAddress> localAddresses() {
    return addresses;
  }

  @Override
  public long localMac() {
    return mac;
  }

  @Override
  public void close() {
    handle.close();
  }

  /** The two libpcap functions called through FFM, looked up once. */
  private record Pcap(MethodHandle dispatch, MethodHandle getError) {
    private static Pcap loaded;

    static synchronized Pcap load() throws CaptureException {
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
        Linker linker = Linker.nativeLinker();
        loaded = new Pcap(
            linker.downcallHandle(library.find("pcap_dispatch").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                    ValueLayout.ADDRESS, ValueLayout.ADDRESS)),
            linker.downcallHandle(library.find("pcap_geterr").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS, ValueLayout.ADDRESS)));
      }
      return loaded;
    }
  }
}
