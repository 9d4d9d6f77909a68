package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import java.util.List;

/** What both live capture paths say of their device (its name, addresses and MAC; live), and how they stop. */
abstract class DeviceCapture implements PacketSource {
  final CaptureDevice device;
  /** Read by the capture loop once per block or dispatch call, never per packet. */
  volatile boolean stopped;

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
}
