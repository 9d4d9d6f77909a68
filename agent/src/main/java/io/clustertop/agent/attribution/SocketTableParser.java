package io.clustertop.agent.attribution;

import io.clustertop.core.flow.IpAddress;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads /proc/net/{tcp,tcp6,udp,udp6}: one socket a line after a header,
 * {@code sl local_address rem_address st ... uid timeout inode ...}, addresses in hex as the
 * kernel's 32-bit words in the host's byte order, ports in hex.
 */
final class SocketTableParser {
  private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;

  private SocketTableParser() {}

  /** The sockets held by a process (inode not 0) in one table; malformed lines are skipped. */
  static List<Socket> parse(List<String> lines, int protocol) {
    List<Socket> sockets = new ArrayList<>(Math.max(0, lines.size() - 1));
    for (int i = 1; i < lines.size(); i++) {
      Socket s = line(lines.get(i), protocol);
      if (s != null && s.inode() != 0) {
        sockets.add(s);
      }
    }
    return sockets;
  }

  /** One line, or null if it is not one the kernel writes. */
  static Socket line(String line, int protocol) {
    String[] f = fields(line, 10);
    if (f == null) {
      return null;
    }
    try {
      int localColon = f[1].indexOf(':');
      int remoteColon = f[2].indexOf(':');
      if (localColon < 0 || remoteColon < 0) {
        return null;
      }
      IpAddress local = address(f[1].substring(0, localColon));
      IpAddress remote = address(f[2].substring(0, remoteColon));
      if (local == null || remote == null) {
        return null;
      }
      return new Socket(protocol, local, Integer.parseInt(f[1], localColon + 1, f[1].length(), 16),
          remote, Integer.parseInt(f[2], remoteColon + 1, f[2].length(), 16),
          Integer.parseInt(f[3], 16), Long.parseLong(f[9]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The first {@code count} blank-separated fields, or null if the line has fewer (no regex: a table can have 100,000 lines). */
  private static String[] fields(String line, int count) {
    String[] f = new String[count];
    int n = 0;
    int i = 0;
    int length = line.length();
    while (n < count) {
      while (i < length && line.charAt(i) == ' ') {
        i++;
      }
      if (i == length) {
        return null;
      }
      int start = i;
      while (i < length && line.charAt(i) != ' ') {
        i++;
      }
      f[n++] = line.substring(start, i);
    }
    return f;
  }

  /** 8 hex digits (IPv4) or 32 (IPv6, IPv4-mapped ones read as IPv4); null otherwise. */
  static IpAddress address(String hex) {
    if (hex.length() == 8) {
      return IpAddress.v4(word(hex, 0));
    }
    if (hex.length() != 32) {
      return null;
    }
    long high = word(hex, 0) << 32 | word(hex, 8);
    long low = word(hex, 16) << 32 | word(hex, 24);
    if (high == 0 && (low >>> 32) == 0xFFFFL) {
      return IpAddress.v4(low);
    }
    return new IpAddress(6, high, low);
  }

  /** One 32-bit word as the kernel printed it ("%08X" of the word in memory order). */
  private static long word(String hex, int offset) {
    long w = Long.parseLong(hex, offset, offset + 8, 16);
    return LITTLE_ENDIAN ? Integer.reverseBytes((int) w) & 0xFFFF_FFFFL : w;
  }
}
