package io.clustertop.auth;

import java.net.InetAddress;

/**
 * How far a server listening on an address can be reached by whom, which decides whether it may
 * start: a server beyond loopback without mutual TLS lets anyone who reaches its port send for any
 * node and read every view, so it starts only when told {@code --insecure} (and says so).
 */
public enum Exposure {
  /** Bound to a loopback address: this host only. */
  LOOPBACK,
  /** Beyond loopback, every caller with a certificate of the trusted CA, and only with a role. */
  MUTUAL_TLS,
  /** Beyond loopback and open to anyone who reaches it (plaintext, or TLS without client certificates). */
  OPEN;

  /** @param mutualTls the server requires client certificates of a trusted CA */
  public static Exposure of(InetAddress bound, boolean mutualTls) {
    if (bound.isLoopbackAddress()) {
      return LOOPBACK;
    }
    return mutualTls ? MUTUAL_TLS : OPEN;
  }
}
