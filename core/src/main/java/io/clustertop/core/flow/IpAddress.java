package io.clustertop.core.flow;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * An IPv4 or IPv6 address as two longs, the form the decoder produces: IPv4 in the low 32 bits of
 * {@code low}. Ordered as unsigned numbers, IPv4 before IPv6.
 */
public record IpAddress(int version, long high, long low) implements Comparable<IpAddress> {

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

  /** Parses a numeric address; never looks a name up. */
  public static IpAddress parse(String text) {
    if (!text.contains(":") && !text.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
      throw new IllegalArgumentException("not a numeric IP address: " + text);
    }
    try {
      return of(InetAddress.getByName(text));
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + text, e);
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

  public boolean isIpv6LinkLocal() {
    return version == 6 && (high >>> 54) == (0xFE80L >>> 6);
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
