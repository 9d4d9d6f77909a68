package io.clustertop.core.flow;

/**
 * The port a conversation's service listens on, so that traffic is filed under the service and not
 * under a client's ephemeral port: the one rule for the PORTS grouping, {@code cost --by port} and
 * the port lines of the cost history (docs/RATIONALE.md, "Ports that mean services").
 *
 * <p>The rule: the lower of the two ports. Clients take their source ports from the ephemeral range
 * (Linux: 32768-60999; IANA: 49152-65535) and servers listen below it, so where one port is below
 * the range and the other in it, the lower one is the listening side: an HTTP server's responses to
 * 10.77.0.3:58890 land under tcp/8080. Where both are below the range (two services, or a client
 * that bound a low port) or both in it (a server listening in the ephemeral range, peer to peer),
 * the lower one is still the better guess: well-known ports are lower than registered ones. The
 * limits: a service listening in the ephemeral range (say 50051) answering a client whose port
 * happens to be lower (say 40000) is filed under the client's port; so is a client that bound a
 * privileged source port to a service above it. A port of 0 means none (ICMP, later fragments): the
 * other one is taken, 0 where both are.
 *
 * <p>The rule reads one conversation at a time and never changes its answer, so a conversation's
 * row in a view kept up to date as batches arrive never moves.
 */
public final class ServicePort {
  private ServicePort() {}

  public static int of(int localPort, int remotePort) {
    if (localPort == 0 || remotePort == 0) {
      return Math.max(localPort, remotePort);
    }
    return Math.min(localPort, remotePort);
  }

  public static int of(FlowKey key) {
    return of(key.localPort(), key.remotePort());
  }
}
