package io.clustertop.agent;

import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The captures recorded in test namespaces (src/test/resources/captures, test/captures/record.sh)
 * and tshark's count of each (the {@code .expected} files, test/captures/reference.sh), oriented as
 * a monitor with {@code -F 10.77.0.0/16 -G fd77::/16} orients them: a directed 5-tuple whose source
 * is inside the nets is its local side's "sent", else one whose destination is inside is "received",
 * else it is not counted (multicast, link-local).
 */
public final class RecordedCaptures {
  public static final Network NODES4 = Network.parse("10.77.0.0/16");
  public static final Network NODES6 = Network.parse("fd77::/16");

  private RecordedCaptures() {}

  /** Monitor options that orient the captures as the references are read. */
  public static MonitorOptions monitorOptions() {
    return new MonitorOptions(NODES4, NODES6, true, 1024, 10_000);
  }

  /** Every recorded capture, by name. */
  public static List<Path> all() throws IOException, URISyntaxException {
    Path dir = Path.of(RecordedCaptures.class.getResource("/captures").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().toList();
    }
  }

  /** How a conversation is named in {@link Reference#rows}. */
  public static String key(IpAddress local, int localPort, IpAddress remote, int remotePort, int protocol) {
    return local + ":" + localPort + " " + remote + ":" + remotePort + " " + protocol;
  }

  /** tshark's count of {@code capture}, oriented. */
  public static Reference reference(Path capture) throws IOException {
    return Reference.read(Path.of(capture.toString().replaceFirst("\\.pcap(ng)?$", ".expected")));
  }

  /** An .expected file mapped onto conversations: per key, sent packets and bytes, received packets and bytes. */
  public static final class Reference {
    public final Map<String, List<Long>> rows = new TreeMap<>();
    public long sentBytes;
    public long receivedBytes;
    public long sentPackets;
    public long receivedPackets;
    /** Packets with neither end inside the nets. */
    public long ignoredPackets;
    /** Every IP datagram in the file. */
    public long totalPackets;
    public long nonIp;

    static Reference read(Path file) throws IOException {
      Reference ref = new Reference();
      Map<String, long[]> sums = new TreeMap<>();
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.trim().split(" ");
        switch (f[0]) {
          case "total" -> ref.totalPackets = Long.parseLong(f[1]);
          case "non-ip" -> ref.nonIp = Long.parseLong(f[1]);
          default -> {
            IpAddress src = IpAddress.parse(f[0]);
            IpAddress dst = IpAddress.parse(f[1]);
            int protocol = Integer.parseInt(f[2]);
            int srcPort = Integer.parseInt(f[3]);
            int dstPort = Integer.parseInt(f[4]);
            long packets = Long.parseLong(f[5]);
            long bytes = Long.parseLong(f[6]);
            if (inside(src)) {
              long[] v = sums.computeIfAbsent(key(src, srcPort, dst, dstPort, protocol), k -> new long[4]);
              v[0] += packets;
              v[1] += bytes;
              ref.sentPackets += packets;
              ref.sentBytes += bytes;
            } else if (inside(dst)) {
              long[] v = sums.computeIfAbsent(key(dst, dstPort, src, srcPort, protocol), k -> new long[4]);
              v[2] += packets;
              v[3] += bytes;
              ref.receivedPackets += packets;
              ref.receivedBytes += bytes;
            } else {
              ref.ignoredPackets += packets;
            }
          }
        }
      }
      sums.forEach((k, v) -> ref.rows.put(k, List.of(v[0], v[1], v[2], v[3])));
      return ref;
    }

    private static boolean inside(IpAddress a) {
      Network n = a.version() == 4 ? NODES4 : NODES6;
      return n.contains(a.version(), a.high(), a.low());
    }
  }
}
