package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clustertop agent} as a user meets it: a replay streamed to a collector, and its user errors. */
class AgentCommandTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream savedErr;
  private Server server;
  /** What the collector received, every stream's messages in order. */
  private final List<AgentMessage> received = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    savedErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new IngestGrpc.IngestImplBase() {
          @Override
          public StreamObserver<AgentMessage> stream(StreamObserver<Ack> acks) {
            return new StreamObserver<>() {
              @Override
              public void onNext(AgentMessage m) {
                synchronized (received) {
                  received.add(m);
                }
                long through = m.hasBatch() ? m.getBatch().getSequence() : 0;
                acks.onNext(Ack.newBuilder().setAppliedThrough(through).build());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                acks.onCompleted();
              }
            };
          }
        }).build().start();
  }

  @AfterEach
  void stop() throws Exception {
    System.setErr(savedErr);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private String collector() {
    return "127.0.0.1:" + server.getPort();
  }

  @Test
  void aReplayIsStreamedWholeAndTheAgentExitsOnceAcknowledged(@TempDir Path state) throws Exception {
    long before = System.currentTimeMillis() * 1_000_000L;
    int status = Main.run("agent", "--collector", collector(), "-r", MainTest.capture("mix.pcap").toString(),
        "--speed", "0", "-F", "10.77.0.0/16", "-G", "fd77::/16", "--node", "node-a", "--zone", "z1",
        "--region", "r1", "--label", "team=net", "--label", "tier=db", "--address", "10.77.0.1",
        "--address", "fd77::1", "--state-dir", state.toString(), "--max-flows-per-batch", "2");
    long after = System.currentTimeMillis() * 1_000_000L;

    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    List<AgentMessage> messages;
    synchronized (received) {
      messages = List.copyOf(received);
    }
    AgentIdentity id = messages.get(0).getHello().getIdentity();
    assertEquals("node-a", id.getNode());
    assertEquals("z1", id.getZone());
    assertEquals("r1", id.getRegion());
    assertEquals(Map.of("team", "net", "tier", "db"), id.getLabelsMap());
    assertEquals(List.of(FlowWire.toBytes(IpAddress.parse("10.77.0.1")), FlowWire.toBytes(IpAddress.parse("fd77::1"))),
        id.getAddressesList());
    assertEquals(ByteString.copyFrom(Files.readAllBytes(state.resolve("agent-id"))), id.getAgentId()); // kept
    assertTrue(id.getEpoch() >= before && id.getEpoch() <= after);

    List<DeltaBatch> batches = messages.stream().filter(AgentMessage::hasBatch).map(AgentMessage::getBatch).toList();
    long packets = 0;
    long bytes = 0;
    for (int i = 0; i < batches.size(); i++) {
      DeltaBatch b = batches.get(i);
      assertEquals(i + 1, b.getSequence());
      assertTrue(b.getFlowsCount() <= 2);
      packets += b.getTotal().getSent().getPackets() + b.getTotal().getReceived().getPackets();
      bytes += b.getTotal().getSent().getBytes() + b.getTotal().getReceived().getBytes();
    }
    // tshark's count of mix.pcap (mix.expected): every datagram has an end in the nets.
    assertEquals(48, packets);
    assertEquals(34_420, bytes);
    // Moved to now: the replay's first second starts when the replay did.
    long start = batches.get(0).getStartUnixNanos();
    assertTrue(start >= before && start <= after, start + " not in [" + before + ", " + after + "]");
  }

  /**
   * A capture whose two packets are a year apart, replayed at ten times its pace: the silence is
   * walked until every window is empty (43 s of capture) and then crossed as one second, so the
   * replay takes seconds, not a tenth of a year, and every batch is dated in it. The preemptive
   * bound is a guard against the fault, far above the few seconds the replay takes.
   */
  @Test
  void aReplayCrossesAYearOfSilenceInSecondsDatedNow(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a-year-apart.pcap");
    ByteBuffer pcap = ByteBuffer.allocate(24 + 2 * (16 + 20)).order(ByteOrder.LITTLE_ENDIAN);
    pcap.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65535).putInt(101);
    for (long seconds : new long[] {1_600_000_000L, 1_600_000_000L + 365L * 24 * 3600}) {
      pcap.putInt((int) seconds).putInt(0).putInt(20).putInt(1000);
      pcap.order(ByteOrder.BIG_ENDIAN).put((byte) 0x45).put((byte) 0).putShort((short) 1000).putInt(0).put((byte) 64)
          .put((byte) 17).putShort((short) 0).putInt(0x0A4D0001).putInt(0x0A4D0002).order(ByteOrder.LITTLE_ENDIAN);
    }
    Files.write(file, pcap.array());
    long before = System.currentTimeMillis() * 1_000_000L;
    int status = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> Main.run("agent", "--collector", collector(),
        "-r", file.toString(), "--speed", "10", "--node", "n1", "--address", "10.77.0.1"));
    long after = System.currentTimeMillis() * 1_000_000L;
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    List<DeltaBatch> batches;
    synchronized (received) {
      batches = received.stream().filter(AgentMessage::hasBatch).map(AgentMessage::getBatch).toList();
    }
    long packets = 0;
    for (DeltaBatch b : batches) {
      assertTrue(b.getStartUnixNanos() >= before - 1_000_000_000L && b.getEndUnixNanos() <= after
          && b.getStartUnixNanos() <= b.getEndUnixNanos(), () -> "dated in the replay: " + b);
      packets += b.getTotal().getSent().getPackets();
    }
    assertEquals(2, packets);
    assertTrue(batches.size() <= 50, () -> batches.size() + " batches");
  }

  @Test
  void aLoopedReplayStreamsEachPassLaterThanTheLast() throws Exception {
    int status = Main.run("agent", "--collector", collector(), "-r", MainTest.capture("mix.pcap").toString(),
        "--speed", "0", "--loop", "3", "-F", "10.77.0.0/16", "-G", "fd77::/16", "--node", "node-a");

    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    List<DeltaBatch> batches;
    synchronized (received) {
      batches = received.stream().filter(AgentMessage::hasBatch).map(AgentMessage::getBatch).toList();
    }
    long bytes = 0;
    for (int i = 0; i < batches.size(); i++) {
      DeltaBatch b = batches.get(i);
      bytes += b.getTotal().getSent().getBytes() + b.getTotal().getReceived().getBytes();
      assertTrue(b.getEndUnixNanos() >= b.getStartUnixNanos());
      assertEquals(0, b.getProcessesCount(), "a replay's conversations are no process's on this host");
      if (i > 0) {
        assertEquals(batches.get(i - 1).getEndUnixNanos(), b.getStartUnixNanos(), "batch " + (i + 1) + " follows on");
      }
    }
    assertEquals(3 * 34_420, bytes, "three times mix.expected's IP bytes");
  }

  @Test
  void kafkaUserErrorsAreOneLineAndStatusTwo(@TempDir Path dir) throws Exception {
    String file = MainTest.capture("mix.pcap").toString();
    Path config = Files.writeString(dir.resolve("kafka.properties"), "compression.type=sometimes\n");
    assertUserError("--collector host:port (gRPC) or --kafka host:port (Kafka), not both", "agent", "--collector", collector(), "--kafka", "127.0.0.1:9092", "-r", file);
    assertUserError("invalid --kafka 'nowhere': use host:port", "agent", "--kafka", "nowhere", "-r", file);
    assertUserError("invalid --kafka ''", "agent", "--kafka", "127.0.0.1:9092,", "-r", file);
    assertUserError("apply with --kafka", "agent", "--collector", collector(), "-r", file, "--topic", "flows");
    assertUserError("apply with --kafka", "agent", "--collector", collector(), "-r", file, "--full-state-seconds", "5");
    assertUserError("--node-topic must differ from --topic: flows", "agent", "--kafka", "127.0.0.1:9092", "-r", file,
        "--topic", "flows", "--node-topic", "flows");
    assertUserError("must be at least 1", "agent", "--kafka", "127.0.0.1:9092", "-r", file, "--full-state-seconds", "0");
    assertUserError("invalid --topic-retention '1y'", "agent", "--kafka", "127.0.0.1:9092", "-r", file,
        "--topic-retention", "1y");
    assertUserError("no-such.properties", "agent", "--kafka", "127.0.0.1:9092", "-r", file,
        "--kafka-config", "no-such.properties");
    assertUserError("compression.type", "agent", "--kafka", "127.0.0.1:9092", "-r", file, "--kafka-config", config.toString());
  }

  @Test
  void userErrorsAreOneLineAndStatusTwo() throws Exception {
    String file = MainTest.capture("mix.pcap").toString();
    assertUserError("invalid --collector 'nowhere': use host:port", "agent", "--collector", "nowhere", "-r", file);
    assertUserError("--mask-remote everything: prefix", "agent", "--collector", collector(), "-r", file,
        "--mask-remote", "everything");
    assertUserError("invalid --collector '127.0.0.1:70000'", "agent", "--collector", "127.0.0.1:70000", "-r", file);
    assertUserError("invalid --address 'node-b'", "agent", "--collector", collector(), "-r", file, "--address", "node-b");
    assertUserError("invalid -F '10.0.0.0/40'", "agent", "--collector", collector(), "-r", file, "-F", "10.0.0.0/40");
    assertUserError("not an IPv6 network", "agent", "--collector", collector(), "-r", file, "-G", "10.0.0.0/8");
    assertUserError("-f applies to live capture", "agent", "--collector", collector(), "-r", file, "-f", "tcp");
    assertUserError("--speed applies to a replay", "agent", "--collector", collector(), "-i", "lo", "--speed", "2");
    assertUserError("invalid --speed -1.0", "agent", "--collector", collector(), "-r", file, "--speed", "-1");
    assertUserError("must be at least 1", "agent", "--collector", collector(), "-r", file, "--buffer-seconds", "0");
    assertUserError("--max-attributed-conversations and --max-attribution-queue must be at least 1", "agent",
        "--collector", collector(), "-r", file, "--max-attribution-queue", "0");
    assertUserError("--label", "agent", "--collector", collector(), "-r", file, "--label", "novalue");
    assertUserError("no-such-file", "agent", "--collector", collector(), "-r", "no-such-file.pcap");
    assertUserError("--loop applies to a replay", "agent", "--collector", collector(), "-i", "lo", "--loop");
    assertUserError("invalid --loop -2", "agent", "--collector", collector(), "-r", file, "--loop", "-2");
    assertUserError("--loop without end needs a --speed above 0", "agent", "--collector", collector(), "-r", file,
        "--loop", "--speed", "0");
  }

  private void assertUserError(String expectedText, String... args) {
    int status = Main.run(args);
    String text = err.toString(StandardCharsets.UTF_8);
    err.reset();
    assertEquals(2, status, () -> String.join(" ", args) + ": " + text);
    List<String> lines = text.lines().toList();
    assertEquals(1, lines.size(), () -> "one line, no stack trace: " + text);
    assertTrue(lines.get(0).startsWith("clustertop: "), lines.get(0));
    assertTrue(lines.get(0).contains(expectedText), () -> lines.get(0) + " should say " + expectedText);
  }
}
