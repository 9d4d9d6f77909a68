package io.clustertop.core.cost;

/** A remote port and protocol as text: "tcp/443", "udp/53", "icmp"; what the port dimension is keyed by. */
public final class Service {
  private Service() {}

  public static String of(int protocol, int port) {
    String name = switch (protocol) {
      case 1 -> "icmp";
      case 6 -> "tcp";
      case 17 -> "udp";
      case 58 -> "icmpv6";
      case 132 -> "sctp";
      default -> "ip" + protocol;
    };
    return port > 0 ? name + "/" + port : name;
  }
}
