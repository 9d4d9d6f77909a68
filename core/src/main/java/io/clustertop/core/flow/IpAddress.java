package io.clustertop.core.flow;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IPv4 or IPv6 address as two longs, the form the decoder produces: IPv4 in the low 32 bits of
 * {@code low}. Ordered as unsigned numbers, IPv4 before IPv6.
 */
public record IpAddress(int version, long high, long low) implements Comparable<IpAddress> {
  private static final Pattern DOTTED_QUAD =
      Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

  /**
   * Mixes every bit. A record's hash would be a linear function of the address, and keys made of
   * two addresses and ports (flow keys, rows) would then collide by the thousand on the consecutive
   * addresses of a cluster: a collector view of 200,000 such keys spent most of its time in
   * collision chains (measured with JFR on bench/collector.sh; see BENCHMARKS.md).
   */
  @Override
  public int hashCode() {
    long h = (high * 0x9E37_79B9_7F4A_7C15L + low) * 0xBF58_476D_1CE4_E5B9L + version;
    h = (h ^ (h >>> 31)) * 0x94D0_49BB_1331_11EBL;
    return (int) (h ^ (h >>> 32));
  }

  public static IpAddress v4(long address) {
    return new IpAddress(4, 0, address & 0xFFFF_FFFFL);
  }

  public static IpAddress of(InetAddress address) {
    byte[] b = address.getAddress();
    ByteBuffer buf = ByteBuffer.wrap(b);
    return b.length == 4
        ? v4(buf.getInt())
        : new IpAddress(6, buf.getLong(), buf.getLong());
  }

  /**
   * Parses a numeric address: four decimal octets, or IPv6 text. Never looks a name up, so a typo
   * in a flag or a file cannot become a DNS query.
   */
  public static IpAddress parse(String text) {
    return parseNumeric(text).orElseThrow(() -> new IllegalArgumentException("not a numeric IP address: " + text));
  }

  /** {@link #parse}, or empty for anything that is not a numeric address. */
  public static Optional<IpAddress> parseNumeric(String text) {
    try {
      if (text.contains(":")) {
        return Optional.of(of(Inet6Address.ofLiteral(text)));
      }
      if (!DOTTED_QUAD.matcher(text).matches()) {
        return Optional.empty(); // Inet4Address also takes inet_aton's short and hex forms
      }
      return Optional.of(of(Inet4Address.ofLiteral(text)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  public byte[] bytes() {
    if (version == 4) {
      return ByteBuffer.allocate(4).putInt((int) low).array();
    }
    return ByteBuffer.allocate(16).putLong(high).putLong(low).array();
  }

  public InetAddress toInetAddress() {
    try {
      return InetAddress.getByAddress(bytes());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e); // only thrown for a wrong length, which bytes() never makes
    }
  }


  /**
   * Link-local (169.254.0.0/16, fe80::/10): every interface has one, and it never leaves its link,
   * so it names no host beyond it, and two nodes may hold the same one (Calico gives every pod
   * interface fe80::ecee:eeff:feee:eeee).
   */
  public boolean linkLocal() {
    return version == 4 ? (low >>> 16) == 0xA9FE : (high >>> 54) == 0x3FA;
  }

  @Override
  public int compareTo(IpAddress o) {
    int c = Integer.compare(version, o.version);
    if (c == 0) {
      c = Long.compareUnsigned(high, o.high);
    }
    return c != 0 ? c : Long.compareUnsigned(low, o.low);
  }

  /** The usual text form: dotted quad, or RFC 5952 IPv6. */
  @Override
  public String toString() {
    if (version == 4) {
      return ((low >> 24) & 0xFF) + "." + ((low >> 16) & 0xFF) + "." + ((low >> 8) & 0xFF) + "." + (low & 0xFF);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 4; i++) {
      groups[i] = (int) (high >>> (48 - 16 * i)) & 0xFFFF;
      groups[i + 4] = (int) (low >>> (48 - 16 * i)) & 0xFFFF;
    }
    int bestStart = -1;
    int bestLength = 1; // RFC 5952: a single zero group is not shortened
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int j = i;
      while (j < 8 && groups[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = j;
    }
    StringBuilder sb = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        sb.append("::");
        i += bestLength - 1;
        continue;
      }
      if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
        sb.append(':');
      }
      sb.append(Integer.toHexString(groups[i]));
    }
    return sb.toString();
  }
}
