package io.clustertop.launcher;

import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code host:port} and {@code [v6]:port} on the command line, checked once for every flag. */
final class HostPort {
  private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[^:\\[\\]\\s]+):(\\d{1,5})");

  private HostPort() {}

  /** The address to bind or connect to; a {@link UserError} naming {@code option} if malformed. */
  static InetSocketAddress parse(String option, String text) {
    Matcher m = HOST_PORT.matcher(text);
    if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
      throw new UserError("invalid " + option + " '" + text + "': use host:port");
    }
    String host = m.group(1).startsWith("[") ? m.group(1).substring(1, m.group(1).length() - 1) : m.group(1);
    return InetSocketAddress.createUnresolved(host, Integer.parseInt(m.group(2)));
  }

  /** An address to listen on, resolved now, so a bad host name is a clear error at start. */
  static InetSocketAddress bindable(String option, String text) {
    InetSocketAddress address = parse(option, text);
    return new InetSocketAddress(address.getHostString(), address.getPort());
  }
}
