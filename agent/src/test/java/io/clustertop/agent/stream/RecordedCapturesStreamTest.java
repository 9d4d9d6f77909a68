package io.clustertop.agent.stream;

import io.clustertop.core.retry.Backoff;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.RecordedCaptures;
import io.clustertop.agent.RecordedCaptures.Reference;
import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URISyntaxException;
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
  static Stream<Arguments> captures() throws IOException, URISyntaxException {
    List<Path> captures = RecordedCaptures.all();
    return Stream.of(1000, 1).flatMap(limit -> captures.stream().map(c -> Arguments.of(c.getFileName().toString(), c, limit)));
  }

  @ParameterizedTest(name = "{0}, {2} flows a batch")
  @MethodSource("captures")
  void theDeltasAddUpToTheFile(String name, Path capture, int maxFlowsPerBatch) throws Exception {
    Reference expected = RecordedCaptures.reference(capture);
    try (FakeCollector collector = new FakeCollector()) {
      AgentIdentity identity = AgentIdentity.newBuilder().setNode(name).setAgentId(AgentId.random()).setEpoch(1).build();
      long batches;
      try (IngestClient client = new IngestClient(
          NettyChannelBuilder.forTarget(collector.target()).usePlaintext().build(), identity, new BatchBuffer(600),
          Backoff.defaults(), (task, delay) -> { throw new AssertionError("no reconnection expected"); }, () -> {});
          CaptureFile file = CaptureFile.open(capture)) {
        client.start();
        BatchProducer producer = new BatchProducer(client, maxFlowsPerBatch);
        new Monitor(file, RecordedCaptures.monitorOptions(), producer).run(view -> {});
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
          String key = RecordedCaptures.key(k.local(), k.localPort(), k.remote(), k.remotePort(), k.protocol());
          List<Long> v = flows.getOrDefault(key, List.of(0L, 0L, 0L, 0L));
          flows.put(key, List.of(v.get(0) + f.getVolume().getSent().getPackets(),
              v.get(1) + f.getVolume().getSent().getBytes(),
              v.get(2) + f.getVolume().getReceived().getPackets(),
              v.get(3) + f.getVolume().getReceived().getBytes()));
        }
      }
      assertEquals(List.of(expected.sentPackets, expected.sentBytes, expected.receivedPackets, expected.receivedBytes),
          List.of(total[0], total[1], total[2], total[3]), "sent packets, bytes, received packets, bytes");
      if (maxFlowsPerBatch == 1000) {
        assertEquals(expected.rows, flows, "per conversation");
      }
      DeltaBatch last = received.get(received.size() - 1);
      assertEquals(expected.totalPackets, last.getCounters().getDecoded(), "every IP datagram decoded");
    }
  }
}
