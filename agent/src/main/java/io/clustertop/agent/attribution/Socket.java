package io.clustertop.agent.attribution;

import io.clustertop.core.flow.IpAddress;

/**
 * One line of a /proc/net socket table: a socket's two ends, its state and its inode. IPv4-mapped
 * IPv6 addresses ({@code ::ffff:10.77.1.2}, a dual-stack socket's IPv4 peer) are read as IPv4, so a
 * socket matches the conversation the capture saw.
 *
 * @param protocol 6 (TCP) or 17 (UDP)
 * @param remote {@code 0.0.0.0} or {@code ::} with port 0 for a socket not connected
 * @param state the kernel's TCP state number (UDP uses 1 connected, 7 not)
 * @param inode 0 for a socket no process holds (TIME_WAIT, not yet accepted)
 */
record Socket(int protocol, IpAddress local, int localPort, IpAddress remote, int remotePort, int state, long inode) {
  static final int TCP = 6;
  static final int UDP = 17;
  static final int TCP_LISTEN = 0x0A;

  /** Bound to every address of its namespace (0.0.0.0 or ::). */
  boolean wildcardLocal() {
    return unspecified(local);
  }

  /** Not connected to one peer: a UDP socket taking datagrams from anyone, or a listening TCP one. */
  boolean unconnected() {
    return remotePort == 0 && unspecified(remote);
  }

  static boolean unspecified(IpAddress a) {
    return a.high() == 0 && a.low() == 0;
  }
}
