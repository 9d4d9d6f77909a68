package io.clustertop.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recorded captures (agent/src/test/resources/captures) streamed by an agent, file reader to
 * fake collector over gRPC: the batches' deltas add up exactly to tshark's count of each file, per
 * directed conversation when the batches hold every flow, and in total when they are cut to one.
 * The orientation is the one {@code RecordedCapturesTest} explains: {@code -F 10.77.0.0/16},
 * {@code -G fd77::/16}.
 */
class RecordedCapturesStreamTest {
  private static final Network NODES4 = Network.parse("10.77.0.0/16");
  private static final Network NODES6 = Network.parse("fd77::/16");

  static Stream<Arguments> captures() throws IOException, URISyntaxException {
    Path dir = Path.of(RecordedCapturesStreamTest.class.getResource("/captures").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> captures = files.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng"))
          .sorted().toList();
      return Stream.of(1000, 1).flatMap(limit -> captures.stream().map(c -> Arguments.of(c.getFileName().toString(), c, limit)));
    }
  }

  @ParameterizedTest(name = "{0}, {2} flows a batch")
  @MethodSource("captures")
  void theDeltasAddUpToTheFile(String name, Path capture, int maxFlowsPerBatch) throws Exception {
    Expected expected = Expected.read(Path.of(capture.toString().replaceFirst("\\.pcap(ng)?$", ".expected")));
    try (FakeCollector collector = new FakeCollector()) {
      AgentIdentity identity = AgentIdentity.newBuilder().setNode(name).setAgentId(AgentId.random()).setEpoch(1).build();
      long batches;
      try (IngestClient client = new IngestClient(
          NettyChannelBuilder.forTarget(collector.target()).usePlaintext().build(), identity, new BatchBuffer(600),
          Backoff.defaults(), (task, delay) -> { throw new AssertionError("no reconnection expected"); }, () -> {});
          CaptureFile file = CaptureFile.open(capture)) {
        client.start();
        BatchProducer producer = new BatchProducer(client, maxFlowsPerBatch);
        new Monitor(file, new MonitorOptions(NODES4, NODES6, true, 1024, 10_000), producer).run(view -> {});
        assertTrue(producer.awaitAcknowledged(Duration.ofSeconds(10)), "every batch acknowledged");
        batches = producer.sequence();
      }

      List<DeltaBatch> received = collector.batches();
      assertEquals(LongStream.rangeClosed(1, batches).boxed().toList(),
          received.stream().map(DeltaBatch::getSequence).toList(), "every batch once, in order");
      long[] total = new long[4];
      Map<String, List<Long>> flows = new TreeMap<>();
      for (DeltaBatch b : received) {
        total[0] += b.getTotal().getSent().getPackets();
        total[1] += b.getTotal().getSent().getBytes();
        total[2] += b.getTotal().getReceived().getPackets();
        total[3] += b.getTotal().getReceived().getBytes();
        assertTrue(b.getFlowsCount() <= maxFlowsPerBatch);
        for (FlowDelta f : b.getFlowsList()) {
          FlowKey k = FlowWire.fromProto(f.getKey());
          String key = key(k.local(), k.localPort(), k.remote(), k.remotePort(), k.protocol());
          List<Long> v = flows.getOrDefault(key, List.of(0L, 0L, 0L, 0L));
          flows.put(key, List.of(v.get(0) + f.getVolume().getSent().getPackets(),
              v.get(1) + f.getVolume().getSent().getBytes(),
              v.get(2) + f.getVolume().getReceived().getPackets(),
              v.get(3) + f.getVolume().getReceived().getBytes()));
        }
      }
      assertEquals(List.of(expected.total[0], expected.total[1], expected.total[2], expected.total[3]),
          List.of(total[0], total[1], total[2], total[3]), "sent packets, bytes, received packets, bytes");
      if (maxFlowsPerBatch == 1000) {
        assertEquals(expected.rows, flows, "per conversation");
      }
      DeltaBatch last = received.get(received.size() - 1);
      assertEquals(expected.ipPackets, last.getCounters().getDecoded(), "every IP datagram decoded");
    }
  }

  private static String key(IpAddress local, int localPort, IpAddress remote, int remotePort, int protocol) {
    return local + ":" + localPort + " " + remote + ":" + remotePort + " " + protocol;
  }

  /** An .expected file (tshark's count), oriented as the agent orients it. */
  private static final class Expected {
    final Map<String, List<Long>> rows = new TreeMap<>();
    final long[] total = new long[4];
    long ipPackets;

    static Expected read(Path file) throws IOException {
      Expected e = new Expected();
      Map<String, long[]> sums = new TreeMap<>();
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split(" ");
        if (line.startsWith("#") || line.isBlank() || f[0].equals("non-ip")) {
          continue;
        }
        if (f[0].equals("total")) {
          e.ipPackets = Long.parseLong(f[1]);
          continue;
        }
        IpAddress src = IpAddress.parse(f[0]);
        IpAddress dst = IpAddress.parse(f[1]);
        int protocol = Integer.parseInt(f[2]);
        long packets = Long.parseLong(f[5]);
        long bytes = Long.parseLong(f[6]);
        if (inside(src)) {
          long[] v = sums.computeIfAbsent(key(src, Integer.parseInt(f[3]), dst, Integer.parseInt(f[4]), protocol), k -> new long[4]);
          v[0] += packets;
          v[1] += bytes;
        } else if (inside(dst)) {
          long[] v = sums.computeIfAbsent(key(dst, Integer.parseInt(f[4]), src, Integer.parseInt(f[3]), protocol), k -> new long[4]);
          v[2] += packets;
          v[3] += bytes;
        }
      }
      sums.forEach((k, v) -> {
        e.rows.put(k, List.of(v[0], v[1], v[2], v[3]));
        for (int i = 0; i < 4; i++) {
          e.total[i] += v[i];
        }
      });
      return e;
    }

    private static boolean inside(IpAddress a) {
      Network n = a.version() == 4 ? NODES4 : NODES6;
      return n.contains(a.version(), a.high(), a.low());
    }
  }
}
