package io.clustertop.core.view;

import io.clustertop.core.flow.IpAddress;

/**
 * One side of a row as displayed: a host, or none when the view hides that side (iftop's {@code s}
 * and {@code d}); a port, or {@link #NO_PORT} when the view does not show ports on that side; the
 * node the host is, in a cluster view ("" when it is no known node, and always in a local view);
 * the destination class the side stands for, in a cluster's rows by destination class ("" elsewhere);
 * the local process or container the side stands for, in an agent's rows by process or by container
 * ("" elsewhere). The class and the owner are part of the side, not only of the row, so that a row's
 * key tells them apart (the frozen order, the screen filter) and every renderer names the side the
 * same way.
 */
public record Endpoint(IpAddress host, int port, String node, String destinationClass, String owner) {
  public static final int NO_PORT = -1;

  public Endpoint(IpAddress host, int port, String node, String destinationClass) {
    this(host, port, node, destinationClass, "");
  }

  public Endpoint(IpAddress host, int port, String node) {
    this(host, port, node, "");
  }

  public Endpoint(IpAddress host, int port) {
    this(host, port, "");
  }

  /** A side that stands for a local process or container (or for what has none): no host, no port. */
  public static Endpoint owner(String label) {
    return new Endpoint(null, NO_PORT, "", "", label);
  }

  public Endpoint withNode(String name) {
    return new Endpoint(host, port, name, destinationClass, owner);
  }

  public Endpoint withDestinationClass(String name) {
    return new Endpoint(host, port, node, name, owner);
  }

  public boolean hasNode() {
    return !node.isEmpty();
  }

  public boolean hasDestinationClass() {
    return !destinationClass.isEmpty();
  }

  public boolean hasOwner() {
    return !owner.isEmpty();
  }

  public boolean hasHost() {
    return host != null;
  }

  public boolean hasPort() {
    return port != NO_PORT;
  }
}
