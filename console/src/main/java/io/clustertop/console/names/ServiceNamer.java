package io.clustertop.console.names;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names a port by the services file, as iftop does with {@code getservent}: {@code 443} over TCP
 * is {@code https}; a port the file does not list, or any port when port resolution is off
 * ({@code -N}), is shown as its number.
 *
 * <p>Where the file lists one port and protocol twice, the later line wins, as in iftop, whose
 * hash table puts each entry in front of the earlier ones. Immutable and thread-safe.
 */
public final class ServiceNamer {
  /** Where the system keeps its services. */
  public static final Path SYSTEM_SERVICES = Path.of("/etc/services");

  /** The protocols whose ports the decoder reads and a services file names. */
  private static final Map<String, Integer> PROTOCOLS = Map.of("tcp", 6, "udp", 17, "dccp", 33, "sctp", 132);

  private static final ServiceNamer NUMERIC = new ServiceNamer(Map.of());

  private final Map<Integer, String> names;

  private ServiceNamer(Map<Integer, String> names) {
    this.names = names;
  }

  /** Port resolution off ({@code -N}): every port is its number. */
  public static ServiceNamer numeric() {
    return NUMERIC;
  }

  /**
   * Reads a services file ({@code name port/protocol [aliases] [# comment]}); lines it cannot read
   * are skipped, as the C library does. A missing file names nothing.
   */
  public static ServiceNamer load(Path servicesFile) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(servicesFile, StandardCharsets.ISO_8859_1);
    } catch (NoSuchFileException e) {
      return NUMERIC;
    }
    Map<Integer, String> names = new HashMap<>();
    for (String line : lines) {
      int comment = line.indexOf('#');
      String[] fields = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
      if (fields.length < 2) {
        continue;
      }
      int slash = fields[1].indexOf('/');
      if (slash < 0) {
        continue;
      }
      Integer protocol = PROTOCOLS.get(fields[1].substring(slash + 1));
      int port = parsePort(fields[1].substring(0, slash));
      if (protocol != null && port >= 0) {
        names.put(key(port, protocol), fields[0]);
      }
    }
    return new ServiceNamer(Map.copyOf(names));
  }

  /** The service name of {@code port} over IP protocol {@code protocol}, or the port number. */
  public String name(int port, int protocol) {
    String name = names.get(key(port, protocol));
    return name != null ? name : Integer.toString(port);
  }

  private static int key(int port, int protocol) {
    return protocol << 16 | port;
  }

  /** The port, or -1 when the text is not a number from 0 to 65535. */
  private static int parsePort(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    int port = Integer.parseInt(text);
    return port <= 0xFFFF ? port : -1;
  }
}
