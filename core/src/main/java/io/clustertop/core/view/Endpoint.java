package io.clustertop.core.view;

import io.clustertop.core.flow.IpAddress;

/**
 * One side of a row as displayed: a host, or none when the view hides that side (iftop's {@code s}
 * and {@code d}); a port, or {@link #NO_PORT} when the view does not show ports on that side.
 */
public record Endpoint(IpAddress host, int port) {
  public static final int NO_PORT = -1;

  public boolean hasHost() {
    return host != null;
  }

  public boolean hasPort() {
    return port != NO_PORT;
  }
}
