package io.clustertop.agent.capture;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A live source without an interface, for tests: {@link #run} is the live loops' shape (a block
 * or a "dispatch" every millisecond, then {@link DeviceCapture#betweenReads}: the handler's batch
 * end and the pending filter, through the same hand-off as the ring's and libpcap's loops), and a
 * filter is compiled by libpcap itself (on a dead Ethernet handle: a live one needs an interface
 * and root) before it counts as installed, so a bad expression fails with libpcap's own message.
 */
public final class CompilingCapture extends DeviceCapture {
  private final PcapHandle compiler;
  /** The filter in force, and the thread that installed it. */
  public volatile String installed = "";
  public volatile Thread installedOn;
  /** Times the loop was asked to wake (a request for a filter asks once). */
  public final AtomicInteger wakeUps = new AtomicInteger();

  public CompilingCapture() throws PcapNativeException {
    super(new CaptureDevice("test0", true, false, List.of(), -1));
    compiler = Pcaps.openDead(DataLinkType.EN10MB, LiveCapture.DEFAULT_SNAPLEN);
  }

  /** @param handler what takes the batches' ends; null for none (a test that only changes filters) */
  @Override
  public void run(PacketHandler handler) {
    PacketHandler batches = handler != null ? handler : (segment, offset, captured, wire, link, nanos) -> { };
    try {
      while (!stopped) {
        Thread.sleep(1); // stands for a pcap_dispatch call
        betweenReads(batches);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      loopEnded();
    }
  }

  @Override
  void installFilter(String expression) throws CaptureException {
    try {
      compiler.compileFilter(expression, BpfProgram.BpfCompileMode.OPTIMIZE, anyNetmask()).free();
    } catch (PcapNativeException | NotOpenException e) {
      throw new CaptureException("bad filter '" + expression + "': " + e.getMessage());
    }
    installed = expression;
    installedOn = Thread.currentThread();
  }

  private static Inet4Address anyNetmask() {
    try {
      return (Inet4Address) InetAddress.getByAddress(new byte[4]);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void wakeUp() {
    wakeUps.incrementAndGet();
  }

  @Override
  public void close() {
    compiler.close();
  }
}
