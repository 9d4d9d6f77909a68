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

  /** One recorded capture, by file name. */
  public static Path capture(String name) throws URISyntaxException {
    return Path.of(RecordedCaptures.class.getResource("/captures/" + name).toURI());
  }

  /** How a conversation is named in {@link Reference#rows}. */
  public static String key(IpAddress local, int localPort, IpAddress remote, int remotePort, int protocol) {
    return local + ":" + localPort + " " + remote + ":" + remotePort + " " + protocol;
  }

  /** tshark's count of {@code capture}, oriented. */
  public static Reference reference(Path capture) throws IOException {
    return Reference.read(Path.of(capture.toString().replaceFirst("\\.pcap(ng)?$", ".expected")));
  }

  /** One line of an .expected file: a directed 5-tuple and tshark's count of it. */
  public record Directed(IpAddress src, IpAddress dst, int protocol, int srcPort, int dstPort, long packets,
      long bytes) {}

  /** Rows and interface totals as a monitor should count them: per key, sent packets and bytes, received packets and bytes. */
  public record Counted(Map<String, List<Long>> rows, long sentPackets, long sentBytes, long receivedPackets,
      long receivedBytes) {}

  /** An .expected file mapped onto conversations: per key, sent packets and bytes, received packets and bytes. */
  public static final class Reference {
    public final Map<String, List<Long>> rows = new TreeMap<>();
    /** Every line, as tshark counted it. */
    public final List<Directed> directed = new java.util.ArrayList<>();
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
            ref.directed.add(new Directed(src, dst, protocol, srcPort, dstPort, packets, bytes));
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

    /**
     * tshark's count oriented by iftop's rules without a net filter, written out independently of
     * core's Orientation: a source in {@code local} is the row's left side and sent, else a
     * destination in it is the left side and received; a tuple with neither end local puts the larger
     * address on the left and counts in the row's sent column when it comes from there (iftop's
     * {@code handle_ip_packet}), in its received column otherwise, and as received in the totals.
     */
    public Counted asIftop(java.util.Set<IpAddress> local) {
      Map<String, long[]> sums = new TreeMap<>();
      long[] totals = new long[4];
      for (Directed d : directed) {
        boolean fromLeft;
        boolean sentByHost;
        if (local.contains(d.src())) {
          fromLeft = true;
          sentByHost = true;
        } else if (local.contains(d.dst())) {
          fromLeft = false;
          sentByHost = false;
        } else {
          fromLeft = d.src().compareTo(d.dst()) > 0;
          sentByHost = false;
        }
        String k = fromLeft
            ? key(d.src(), d.srcPort(), d.dst(), d.dstPort(), d.protocol())
            : key(d.dst(), d.dstPort(), d.src(), d.srcPort(), d.protocol());
        long[] v = sums.computeIfAbsent(k, x -> new long[4]);
        v[fromLeft ? 0 : 2] += d.packets();
        v[fromLeft ? 1 : 3] += d.bytes();
        totals[sentByHost ? 0 : 2] += d.packets();
        totals[sentByHost ? 1 : 3] += d.bytes();
      }
      Map<String, List<Long>> rows = new TreeMap<>();
      sums.forEach((k, v) -> rows.put(k, List.of(v[0], v[1], v[2], v[3])));
      return new Counted(rows, totals[0], totals[1], totals[2], totals[3]);
    }

    private static boolean inside(IpAddress a) {
      Network n = a.version() == 4 ? NODES4 : NODES6;
      return n.contains(a.version(), a.high(), a.low());
    }
  }
}
