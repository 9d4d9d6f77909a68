package io.clustertop.console.names;

import io.clustertop.console.terminal.Printable;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Row;

/**
 * The parts iftop's {@code sprint_host} names one side of a row with: the host (by a {@link
 * HostNamer}), the service after it (by a {@link ServiceNamer}), and whether the host goes in
 * brackets. The text renderer fits them into its column; the JSON renderer joins them whole. Names
 * come out {@link Printable}: escape sequences in a node's name or a DNS answer are shown, not obeyed.
 */
public final class EndpointNames {
  /** What iftop writes for a hidden host. */
  private static final String HIDDEN_HOST = " * ";

  private final HostNamer hosts;
  private final ServiceNamer services;

  public EndpointNames(HostNamer hosts, ServiceNamer services) {
    this.hosts = hosts;
    this.services = services;
  }

  /**
   * The host's name, or null where the view hides the host. In a cluster view a host that is a node
   * reads {@code node/name} (the node first, so a narrow column keeps it), and a side that stands for
   * nodes rather than one host (a node row; the cluster's side of a row by remote address or port)
   * reads as the node names; the right side of a row by destination class reads as the class, and
   * the left side of an agent's row by process or container as the process or container.
   */
  public String host(Endpoint endpoint) {
    return Printable.of(unescapedHost(endpoint)); // node names, classes and DNS answers come from the network
  }

  private String unescapedHost(Endpoint endpoint) {
    if (endpoint.hasOwner()) {
      return endpoint.owner();
    }
    if (endpoint.hasDestinationClass()) {
      return endpoint.destinationClass();
    }
    if (!endpoint.hasHost()) {
      return endpoint.hasNode() ? endpoint.node() : null;
    }
    String name = hosts.name(endpoint.host());
    return !endpoint.hasNode() || endpoint.node().equals(name) ? name : endpoint.node() + "/" + name;
  }

  /**
   * {@code ":https"} or {@code ":8080"}; empty where the view shows no port, and, as in iftop,
   * where the port is 0 (a protocol without ports, or a later fragment).
   */
  public String service(Endpoint endpoint, int protocol) {
    return endpoint.hasPort() && endpoint.port() != 0 ? ":" + services.name(endpoint.port(), protocol) : "";
  }

  /**
   * iftop writes an IPv6 host that has a port after it in brackets: {@code [2001:db8::1]:https};
   * a hidden host too ({@code [ * ]:https}), when the row's other side is IPv6.
   */
  public static boolean bracketed(Row row, Endpoint endpoint, String service) {
    if (!endpoint.hasHost() && (endpoint.hasNode() || endpoint.hasDestinationClass() || endpoint.hasOwner())) {
      return false;
    }
    Endpoint known = endpoint.hasHost() ? endpoint : endpoint.equals(row.left()) ? row.right() : row.left();
    return !service.isEmpty() && known.hasHost() && known.host().version() == 6;
  }

  /**
   * The whole name of one side, unpadded: {@code host}, {@code host:service}, {@code
   * [v6-host]:service}, or {@code *} (with its service) where the host is hidden.
   */
  public String label(Row row, Endpoint endpoint) {
    String host = shown(row, endpoint);
    String service = service(endpoint, row.protocol());
    if (host == null) {
      return "*" + service;
    }
    return (bracketed(row, endpoint, service) ? "[" + host + "]" : host) + service;
  }

  /** One side of a row in a host column of {@code width} characters: see {@link #column(String, String, boolean, int)}. */
  public String column(Row row, Endpoint endpoint, int width) {
    String service = service(endpoint, row.protocol());
    return column(shown(row, endpoint), service, bracketed(row, endpoint, service), width);
  }

  /**
   * The host as a row shows it: as {@link #host}, except that a side with no host that stands for
   * the nodes reporting the row (the cluster's side of a row by remote address or port, or a side
   * hidden with {@code s} or {@code d}) reads {@code *}, as in iftop, while those nodes are on the
   * row's second line. Two rows are read by their nodes: a node's own row (by node: the node, and
   * nothing on the right) and a row by destination class (which nodes send to that class).
   */
  private String shown(Row row, Endpoint endpoint) {
    if (!endpoint.hasHost() && endpoint.hasNode() && !namedByItsNodes(row, endpoint)) {
      return null;
    }
    return host(endpoint);
  }

  private static boolean namedByItsNodes(Row row, Endpoint endpoint) {
    Endpoint other = endpoint.equals(row.left()) ? row.right() : row.left();
    return other.hasDestinationClass() || !other.hasHost() && !other.hasNode() && !other.hasPort();
  }

  /**
   * iftop's {@code sprint_host}: the host, in brackets when asked, then the service, in exactly
   * {@code width} columns; where both do not fit, the host is cut (its closing bracket too) so
   * that the service shows whole. iftop's resolver copies a name into a buffer of {@code width}
   * bytes, one of them for the NUL, hence a name of at most {@code width - 1} characters.
   *
   * @param host the name, or null where the view hides the host
   * @param service {@code ":service"}, {@code ":port"} or empty
   */
  public static String column(String host, String service, boolean bracketed, int width) {
    String name = host == null ? HIDDEN_HOST : truncate(host, width - 1);
    String line;
    int left = name.length();
    if (bracketed) {
      line = "[" + truncate(name, width - 2) + "]";
      left += 2;
    } else {
      line = padRight(name, width);
    }
    int room = width - service.length();
    if (room >= 0 && left > room) { // iftop compares with an unsigned room: a longer service never cuts
      left = room;
    }
    return line.substring(0, Math.min(left, line.length())) + padRight(service, width - left);
  }

  private static String truncate(String text, int limit) {
    return text.length() > limit ? text.substring(0, Math.max(0, limit)) : text;
  }

  private static String padRight(String text, int width) {
    return text.length() >= width ? text : text + " ".repeat(width - text.length());
  }
}
