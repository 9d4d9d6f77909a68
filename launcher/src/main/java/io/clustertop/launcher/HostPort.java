package io.clustertop.launcher;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code host:port} and {@code [v6]:port} on the command line, checked once for every flag: its
 * form, whether its host name resolves, and, for an address to listen on, why binding it failed.
 */
final class HostPort {
  /** Where the collector listens by default, and where every client looks for it. */
  static final String DEFAULT_COLLECTOR = "127.0.0.1:7447";

  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]\\s]+):(\\d{1,5})");

  private HostPort() {}

  /** The address to bind or connect to, not resolved; a {@link UserError} naming {@code option} if malformed. */
  static InetSocketAddress parse(String option, String text) {
    Matcher m = HOST_PORT.matcher(text);
    if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
      throw new UserError("invalid " + option + " '" + text + "': use host:port");
    }
    String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
    return InetSocketAddress.createUnresolved(host, Integer.parseInt(m.group(2)));
  }

  /**
   * An address to connect to whose host name resolves now (a numeric address needs no lookup): a
   * client that could never connect says so in one line, instead of retrying for ever.
   */
  static InetSocketAddress resolvable(String option, String text) {
    InetSocketAddress address = parse(option, text);
    resolve(option, address.getHostString());
    return address;
  }

  /** An address to listen on, resolved now, so a bad host name is a clear error at start. */
  static InetSocketAddress bindable(String option, String text) {
    InetSocketAddress address = parse(option, text);
    return new InetSocketAddress(resolve(option, address.getHostString()), address.getPort());
  }

  private static InetAddress resolve(String option, String host) {
    try {
      return InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new UserError("cannot resolve '" + host + "' (" + option + "): no such host, or no name service", e);
    }
  }

  /** An address that means every address of the host (0.0.0.0, ::): nowhere a client could connect to. */
  static boolean wildcard(String host) {
    if (!host.matches("[0-9.]+") && !host.contains(":")) {
      return false; // a name: never looked up here
    }
    try {
      return InetAddress.getByName(host).isAnyLocalAddress(); // a literal: no lookup
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Why listening on {@code text} failed, in words: the port taken, the address not this host's,
   * or a privileged port; else the system's own message.
   */
  static UserError bindFailure(String option, String text, IOException e) {
    String why = e.getMessage();
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("address already in use")) {
        why = "the port is in use (another collector or agent, or another program)";
        break;
      }
      if (m.contains("cannot assign requested address")) {
        why = "that address is not one of this host's";
        break;
      }
      if (m.contains("permission denied")) {
        why = "permission denied (a port below 1024 needs root or CAP_NET_BIND_SERVICE)";
        break;
      }
    }
    return new UserError("cannot listen on " + text + " (" + option + "): " + why, e);
  }
}
