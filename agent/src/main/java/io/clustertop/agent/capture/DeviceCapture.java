package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import java.util.List;

/** What both live capture paths say of their device: its name, addresses and MAC; live. */
abstract class DeviceCapture implements PacketSource {
  final CaptureDevice device;

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
}
