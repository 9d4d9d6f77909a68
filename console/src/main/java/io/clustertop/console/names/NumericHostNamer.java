package io.clustertop.console.names;

import io.clustertop.core.flow.IpAddress;

/** Shows every address in its numeric form, as iftop's {@code -n} does. */
public final class NumericHostNamer implements HostNamer {
  @Override
  public String name(IpAddress address) {
    return address.toString();
  }
}
