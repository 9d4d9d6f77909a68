package io.clustertop.console.names;

import io.clustertop.core.flow.IpAddress;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a numeric IPv4 or IPv6 address from text that may be anything, such as a line of a hosts
 * or configuration file, without ever looking a name up.
 *
 * <p>It checks the text before {@link IpAddress#parse}, which hands it to {@link
 * java.net.InetAddress#getByName}: that takes {@code 999.1.1.1} for a host name and asks DNS.
 */
public final class NumericAddress {
  private static final Pattern DOTTED_QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  /** Hexadecimal groups and colons, maybe ending in a dotted quad: an IPv6 literal or nothing. */
  private static final Pattern IPV6_CHARACTERS = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private NumericAddress() {}

  /** The address {@code text} spells: a dotted quad or an IPv6 literal; empty for anything else. */
  public static Optional<IpAddress> parse(String text) {
    Matcher quad = DOTTED_QUAD.matcher(text);
    if (quad.matches()) {
      long address = 0;
      for (int group = 1; group <= 4; group++) {
        int octet = Integer.parseInt(quad.group(group));
        if (octet > 255) {
          return Optional.empty();
        }
        address = address << 8 | octet;
      }
      return Optional.of(IpAddress.v4(address));
    }
    if (!IPV6_CHARACTERS.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(IpAddress.parse(text));
    } catch (IllegalArgumentException notAnAddress) {
      return Optional.empty();
    }
  }
}
