package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * What both live capture paths say of their device (its name, addresses and MAC; live), how they
 * stop, and how a new filter reaches their loop: asked for from any thread ({@link #changeFilter}),
 * installed on the capture thread between two reads ({@link #betweenReads}), refused once the loop
 * has ended ({@link #loopEnded}).
 */
abstract class DeviceCapture implements PacketSource {
  final CaptureDevice device;
  /** Read by the capture loop once per block or dispatch call, never per packet. */
  volatile boolean stopped;
  private final FilterHandOff filterChanges = new FilterHandOff();
  /** Made once: a method reference evaluated in the loop would be a new object per block or dispatch call. */
  private final FilterHandOff.Installer installer = this::installFilter;

  DeviceCapture(CaptureDevice device) {
    this.device = device;
  }

  @Override
  public final String name() {
    return device.name();
  }

  @Override
  public final boolean live() {
    return true;
  }

  @Override
  public final List<IpAddress> localAddresses() {
    return device.addresses();
  }

  @Override
  public final long localMac() {
    return device.mac();
  }

  /** Ends {@link #run} soon: its loop sees the flag once {@link #wakeUp()} has woken it. */
  @Override
  public final void stop() {
    stopped = true;
    wakeUp();
  }

  /** On the capture thread, between two reads: compiles and sets {@code expression}; throws with libpcap's message. */
  abstract void installFilter(String expression) throws CaptureException;

  /**
   * What the loop does between two reads (a ring block, a dispatch call), never per packet: the
   * handler's batch ends, then a pending filter is installed (without one: one volatile read).
   */
  final void betweenReads(PacketHandler handler) {
    handler.betweenBatches();
    filterChanges.applyPending(installer);
  }

  /** The loop has ended: a filter asked for now or later is answered that the capture stopped. */
  final void loopEnded() {
    filterChanges.close("the capture on " + name() + " has stopped");
  }

  @Override
  public final CompletionStage<FilterOutcome> changeFilter(String expression) {
    CompletionStage<FilterOutcome> outcome = filterChanges.request(expression);
    wakeUp(); // the loop would take it at its next read's end anyway; woken, it takes it now
    return outcome;
  }
}
