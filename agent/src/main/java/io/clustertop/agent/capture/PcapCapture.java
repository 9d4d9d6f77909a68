package io.clustertop.agent.capture;

import com.sun.jna.Pointer;
import io.clustertop.core.packet.LinkType;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;

/**
 * Live capture through libpcap's own loop, the fallback where the kernel ring cannot be had
 * ({@link LiveCapture}): pcap4j opens and configures the libpcap handle (snap length, buffer,
 * promiscuous mode, filter, statistics, break-loop), and the per-packet loop calls
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
final class PcapCapture extends DeviceCapture {
  private static final MemorySegment ALL_MEMORY = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);
  private static final int PCAP_ERROR = -1;

  private final PcapHandle handle;
  private final long pcap;
  private final LinkType link;
  private final String why;
  private PacketHandler handler;

  private PcapCapture(CaptureDevice device, PcapHandle handle, String why) throws CaptureException {
    super(device);
    this.handle = handle;
    this.pcap = handlePointer(handle);
    this.link = LinkType.of(handle.getDlt().value());
    this.why = why;
  }

  /**
   * Opens {@code device} for capture.
   *
   * @param filter a BPF expression, or null for everything
   * @param why why this path rather than the ring, for the start-up lines
   * @throws CaptureException with one line for the user: no permission (naming the capability),
   *     libpcap missing, a bad filter
   */
  static PcapCapture open(CaptureDevice device, boolean promiscuous, String filter, int snaplen, int bufferBytes,
      String why) throws CaptureException {
    Libpcap.load();
    PcapHandle handle;
    try {
      handle = new PcapHandle.Builder(device.name())
          .snaplen(snaplen)
          .promiscuousMode(promiscuous
              ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
              : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
          .timeoutMillis(LiveCapture.TIMEOUT_MILLIS)
          .bufferSize(bufferBytes)
          .build();
    } catch (PcapNativeException e) {
      throw LiveCapture.openFailure(device.name(), promiscuous, libpcapMessage(e.getMessage()));
    }
    try {
      // Always a filter, the empty one when none was asked for: see KernelFilter.
      setFilter(handle, filter == null ? "" : filter);
      return new PcapCapture(device, handle, why);
    } catch (CaptureException | NotOpenException | RuntimeException e) {
      handle.close();
      if (e instanceof CaptureException ce) {
        throw ce;
      }
      throw new CaptureException("cannot set up capture on " + device.name() + ": " + e.getMessage(), e);
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

  @Override
  public String captureMethod() {
    return "libpcap's pcap_dispatch (" + why + ")";
  }


  @Override
  public void run(PacketHandler handler) throws CaptureException {
    this.handler = handler;
    try (Arena arena = Arena.ofConfined()) {
      MethodHandle callback = MethodHandles.lookup()
          .findVirtual(PcapCapture.class, "onPacket", MethodType.methodType(void.class, long.class, long.class, long.class))
          .bindTo(this);
      MemorySegment stub = Linker.nativeLinker().upcallStub(callback,
          FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG), arena);
      while (!stopped) {
        int result = (int) Libpcap.Dispatch.DISPATCH.invokeExact(pcap, -1, stub.address(), 0L);
        if (result == PCAP_ERROR) {
          throw new CaptureException("capture on " + name() + " failed: " + error());
        }
        betweenReads(handler); // also after -2: break-loop is how wakeUp() asks for this
      }
    } catch (CaptureException e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("libpcap dispatch failed", e);
    } finally {
      loopEnded();
    }
  }

  /** On the capture thread, between dispatch calls: the handle is never used by two threads at once. */
  @Override
  void installFilter(String expression) throws CaptureException {
    try {
      setFilter(handle, expression);
    } catch (NotOpenException e) {
      throw new CaptureException("the capture on " + name() + " is closed", e);
    }
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

  private String error() {
    return Libpcap.error(pcap);
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
  public KernelStats kernelStats() {
    try {
      PcapStat s = handle.getStats();
      return new KernelStats(s.getNumPacketsReceived(), s.getNumPacketsDropped(), s.getNumPacketsDroppedByIf());
    } catch (PcapNativeException | NotOpenException e) {
      return KernelStats.NONE;
    }
  }

  @Override
  public void close() {
    handle.close();
  }

}
