package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * A live source without an interface, for tests: {@link #run} is the live loops' shape (a block
 * or a "dispatch" every millisecond, then the pending filter), and a filter is compiled by libpcap
 * itself (on a dead Ethernet handle: a live one needs an interface and root) before it counts as
 * installed, so a bad expression fails with libpcap's own message.
 */
public final class CompilingCapture implements PacketSource {
  private final FilterHandOff filterChanges = new FilterHandOff();
  private final PcapHandle compiler;
  private volatile boolean stopped;
  /** The filter in force, and the thread that installed it. */
  public volatile String installed = "";
  public volatile Thread installedOn;

  public CompilingCapture() throws PcapNativeException {
    compiler = Pcaps.openDead(DataLinkType.EN10MB, LiveCapture.DEFAULT_SNAPLEN);
  }

  @Override
  public String name() {
    return "test0";
  }

  @Override
  public boolean live() {
    return true;
  }

  @Override
  public void run(PacketHandler handler) {
    try {
      while (!stopped) {
        Thread.sleep(1); // stands for a pcap_dispatch call
        filterChanges.applyPending(this::install);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      filterChanges.close("the capture on test0 has stopped");
    }
  }

  private void install(String expression) throws CaptureException {
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
  public CompletionStage<FilterOutcome> changeFilter(String expression) {
    return filterChanges.request(expression);
  }

  @Override
  public void wakeUp() {}

  @Override
  public void stop() {
    stopped = true;
  }


  @Override
  public void close() {
    compiler.close();
  }
}
