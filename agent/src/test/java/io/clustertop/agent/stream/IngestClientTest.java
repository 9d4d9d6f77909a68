package io.clustertop.agent.stream;

import io.clustertop.core.retry.Backoff;
import static io.clustertop.agent.stream.FakeCollector.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.Hello;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ingest client against a fake collector over real gRPC on 127.0.0.1. */
class IngestClientTest {
  private static final AgentIdentity IDENTITY = AgentIdentity.newBuilder()
      .setNode("node-a").setAgentId(AgentId.random()).setEpoch(1_700_000_000_000_000_000L).build();
  private static final CaptureCounters COUNTERS = new CaptureCounters(5, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final IpAddress LOCAL = IpAddress.parse("10.0.0.1");

  private FakeCollector collector;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  /** The reconnection delays the client asked for, in nanoseconds. */
  private final List<Long> delays = new ArrayList<>();
  private final List<IngestClient> clients = new ArrayList<>();

  @BeforeEach
  void startCollector() throws Exception {
    collector = new FakeCollector();
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(IngestClient::close);
    timer.shutdownNow();
    collector.close();
  }

  /**
   * A client whose reconnections wait 2 ms whatever the backoff says (recorded in {@link #delays}),
   * with a backoff of 100 ms doubling up to 1 s and a jitter fixed at one half.
   */
  private IngestClient client(BatchBuffer buffer) {
    IngestClient c = new IngestClient(NettyChannelBuilder.forTarget(collector.target()).usePlaintext().build(),
        IDENTITY, buffer, backoff(), scheduler(() -> {}), () -> {});
    clients.add(c);
    return c;
  }

  /** 100 ms doubling up to 1 s, the jitter fixed at one half. */
  private static Backoff backoff() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), () -> 0.5);
  }

  /** Records each delay asked for (then runs {@code also}) and reconnects 2 ms later whatever it says. */
  private IngestClient.Scheduler scheduler(Runnable also) {
    return (task, delay) -> {
      synchronized (delays) {
        delays.add(delay);
        also.run();
      }
      timer.schedule(task, 2, TimeUnit.MILLISECONDS);
    };
  }

  private List<Long> delays() {
    synchronized (delays) {
      return List.copyOf(delays);
    }
  }

  /** Batch {@code n} of a node that sent {@code 100 n} bytes in n packets during second n. */
  private static DeltaBatch batch(long n) {
    FlowAccumulator flows = new FlowAccumulator(4);
    for (int i = 0; i < n; i++) {
      add(flows, LOCAL, IpAddress.v4(0x0A000000L + n), 100, Orientation.SENT);
    }
    return FlowWire.toBatch(flows, n, n * 1_000_000_000L, (n + 1) * 1_000_000_000L, COUNTERS, 10);
  }

  private static void add(FlowAccumulator flows, IpAddress src, IpAddress dst, long bytes, int orientation) {
    DecodedPacket p = new DecodedPacket();
    p.ipVersion = 4;
    p.srcLow = src.low();
    p.dstLow = dst.low();
    p.protocol = 6;
    boolean sent = orientation == Orientation.SENT; // the local side is 10.0.0.1:40000 either way
    p.srcPort = sent ? 40_000 : 443;
    p.dstPort = sent ? 443 : 40_000;
    p.ipBytes = bytes;
    flows.add(p, orientation);
  }

  private static List<Long> sequences(List<DeltaBatch> batches) {
    return batches.stream().map(DeltaBatch::getSequence).toList();
  }

  private static List<Long> range(long first, long last) {
    return LongStream.rangeClosed(first, last).boxed().toList();
  }

  @Test
  void batchesArriveInOrderWithTheirFigures() throws Exception {
    BatchBuffer buffer = new BatchBuffer(600);
    IngestClient client = client(buffer);
    client.offer(batch(1)); // made before the stream opens: held, then sent
    client.start();
    for (long n = 2; n <= 5; n++) {
      client.offer(batch(n));
    }
    await(client::allAcknowledged, "every batch acknowledged");

    List<List<AgentMessage>> streams = collector.streams();
    assertEquals(1, streams.size());
    Hello hello = streams.get(0).get(0).getHello();
    assertEquals(IDENTITY, hello.getIdentity());
    assertEquals(1, hello.getOldestHeldSequence());
    assertEquals(1, hello.getNewestSequence());
    List<DeltaBatch> batches = collector.batches();
    assertEquals(range(1, 5), sequences(batches));
    for (DeltaBatch b : batches) {
      long n = b.getSequence();
      assertEquals(batch(n), b);
      assertEquals(100 * n, b.getTotal().getSent().getBytes());
      assertEquals(n, b.getFlows(0).getVolume().getSent().getPackets());
    }
    assertEquals(5, collector.applied());
    assertEquals(0, buffer.size());
    assertEquals(List.of(), delays());
  }

  @Test
  void aDroppedStreamIsReopenedAndTheUnacknowledgedBatchesReplayed() throws Exception {
    BatchBuffer buffer = new BatchBuffer(600);
    IngestClient client = client(buffer);
    collector.failAt(4); // batches 1 to 3 applied, then the stream breaks
    client.start();
    for (long n = 1; n <= 8; n++) {
      client.offer(batch(n));
    }
    await(client::allAcknowledged, "every batch acknowledged");

    List<List<AgentMessage>> streams = collector.streams();
    assertEquals(2, streams.size());
    assertEquals(2, client.streamsOpened());
    Hello second = streams.get(1).get(0).getHello();
    assertEquals(8, second.getNewestSequence());
    // The second stream starts where the collector's applied sequence ended: 4, nothing missing.
    List<Long> replayed = streams.get(1).stream().filter(AgentMessage::hasBatch)
        .map(m -> m.getBatch().getSequence()).toList();
    assertEquals(range(4, 8), replayed);
    assertTrue(sequences(collector.batches()).containsAll(range(1, 8)));
    assertEquals(8, collector.applied());
    assertEquals(List.of(50_000_000L), delays()); // one failure: half of the initial 100 ms
  }

  /** A client whose collector refused it while batches 1 to 7 went into {@code buffer} (of 3): 1 to 4 are dropped. */
  private IngestClient afterAnOutageLongerThanTheBuffer(BatchBuffer buffer) throws InterruptedException {
    IngestClient client = client(buffer);
    collector.refuse(true);
    client.start();
    await(() -> delays().size() >= 2, "two refusals");
    for (long n = 1; n <= 7; n++) {
      client.offer(batch(n));
    }
    return client;
  }

  @Test
  void anOutageLongerThanTheBufferSendsAGap() throws Exception {
    BatchBuffer buffer = new BatchBuffer(3);
    IngestClient client = afterAnOutageLongerThanTheBuffer(buffer);
    collector.refuse(false);
    await(client::allAcknowledged, "every batch acknowledged");

    List<DeltaBatch> batches = collector.batches();
    assertEquals(range(5, 7), sequences(batches));
    assertEquals(Gap.newBuilder().setFirstSequence(1).setLastSequence(4)
        .setStartUnixNanos(1_000_000_000L).setEndUnixNanos(5_000_000_000L).build(), batches.get(0).getGap());
    assertEquals(batch(5).getTotal(), batches.get(0).getTotal());
    assertFalse(batches.get(1).hasGap());
    assertFalse(batches.get(2).hasGap());
    assertEquals(4, buffer.droppedBatches());
    assertEquals(7, collector.applied());
  }

  @Test
  void aFullStateAfterAnOutageLongerThanTheBufferCarriesTheGapAndTheDropIsLogged() throws Exception {
    List<LogRecord> log = new ArrayList<>();
    Handler handler = recording(log);
    Logger logger = Logger.getLogger(IngestClient.class.getName());
    logger.addHandler(handler);
    try {
      IngestClient client = afterAnOutageLongerThanTheBuffer(new BatchBuffer(3));
      // As the real collector does for an agent that no longer holds the batch after its last applied.
      collector.askFullState(true);
      collector.refuse(false);
      await(client::fullStateWanted, "the collector asks for the full state");
      client.offerFullState(FullState.newBuilder().setSequence(7).build());
      await(client::allAcknowledged, "the full state acknowledged");

      FullState sent = collector.streams().stream().flatMap(List::stream).filter(AgentMessage::hasFullState)
          .map(AgentMessage::getFullState).findFirst().orElseThrow();
      assertEquals(Gap.newBuilder().setFirstSequence(1).setLastSequence(4)
          .setStartUnixNanos(1_000_000_000L).setEndUnixNanos(5_000_000_000L).build(), sent.getGap(),
          "batches 1 to 4, seconds 1 to 5, were dropped: their seconds reach the collector as a gap");
      List<String> warnings = messages(log, java.util.logging.Level.WARNING);
      assertEquals(2, warnings.size(), () -> "warnings: " + warnings);
      assertTrue(warnings.get(0).contains("dropping the oldest"), warnings.get(0));
      assertTrue(warnings.get(1).contains("dropped 4 batches (4 s, sequences 1 to 4)"), warnings.get(1));
    } finally {
      logger.removeHandler(handler);
    }
  }

  private static Handler recording(List<LogRecord> log) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        synchronized (log) {
          log.add(record);
        }
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  private static List<String> messages(List<LogRecord> log, java.util.logging.Level level) {
    synchronized (log) {
      return log.stream().filter(r -> r.getLevel() == level)
          .map(r -> java.text.MessageFormat.format(r.getMessage(), r.getParameters())).toList();
    }
  }

  @Test
  void backoffGrowsToTheCapAndStartsAgainOnceAStreamGetsThrough() throws Exception {
    BatchBuffer buffer = new BatchBuffer(600);
    IngestClient client = client(buffer);
    collector.refuse(true);
    client.start();
    await(() -> delays().size() >= 6, "six refusals");
    collector.refuse(false);
    await(() -> collector.streams().size() > delays().size(), "a stream that gets through");
    client.offer(batch(1));
    await(client::allAcknowledged, "batch 1 acknowledged");
    collector.failAt(2);
    client.offer(batch(2));
    await(client::allAcknowledged, "batch 2 acknowledged after a reconnection");

    // Jitter fixed at 0.5: half of 100, 200, 400, 800 ms, then of the 1 s cap.
    List<Long> ms = delays().stream().map(TimeUnit.NANOSECONDS::toMillis).toList();
    assertEquals(List.of(50L, 100L, 200L, 400L, 500L, 500L), ms.subList(0, 6));
    assertEquals(50L, ms.get(ms.size() - 1)); // after a stream got through, from the start again
    assertTrue(ms.stream().allMatch(d -> d <= 1_000));
  }

  @Test
  void aCollectorThatRefusesTheTimestampsIsRetriedLessAndLessOftenAndSaidOnceAMinute() throws Exception {
    List<LogRecord> log = new ArrayList<>();
    Handler handler = recording(log);
    Logger logger = Logger.getLogger(IngestClient.class.getName());
    logger.addHandler(handler);
    try {
      // The collector's own words for a clock 20 minutes behind (collector's MessageValidator).
      collector.refuseBatches("the end time is -1200 s from the collector's clock, beyond 600 s");
      long[] now = {0};
      BatchBuffer buffer = new BatchBuffer(600);
      buffer.add(batch(1));
      IngestClient c = new IngestClient(NettyChannelBuilder.forTarget(collector.target()).usePlaintext().build(),
          IDENTITY, buffer, backoff(),
          scheduler(() -> now[0] += 15_000_000_000L), // each retry 15 s later, as far as the warnings can tell
          () -> {}, () -> {
            synchronized (delays) {
              return now[0];
            }
          });
      clients.add(c);
      c.start();
      await(() -> delays().size() >= 6, "six refusals");
      collector.refuseBatches(null);
      await(c::allAcknowledged, "the batch taken once the collector takes it");

      // The backoff grows although each stream's Hello is answered: half of 100, 200, 400, 800 ms, 1 s.
      List<Long> ms = delays().stream().map(TimeUnit.NANOSECONDS::toMillis).toList();
      assertEquals(List.of(50L, 100L, 200L, 400L, 500L, 500L), ms.subList(0, 6));
      List<String> warnings = messages(log, java.util.logging.Level.WARNING);
      // Refusals at 0, 15, 30, 45, 60, 75 s: said at 0 and at 60 s, with the three unsaid and that one.
      assertEquals(2, warnings.size(), () -> "warnings: " + warnings);
      assertTrue(warnings.get(0).contains("the collector at " + collector.target() + " refuses"), warnings.get(0));
      assertTrue(warnings.get(0).contains("-1200 s from the collector's clock"), warnings.get(0));
      assertTrue(warnings.get(0).contains("NTP"), warnings.get(0));
      assertTrue(warnings.get(1).contains("4 times in the last minute"), warnings.get(1));
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void aFullStateRequestGetsTheTableThenTheBatchesAfterIt() throws Exception {
    BatchBuffer buffer = new BatchBuffer(600);
    IngestClient client = client(buffer);
    BatchProducer producer = new BatchProducer(client, 10);
    ConversationTable table = new ConversationTable(100);
    IpAddress b = IpAddress.parse("10.0.0.2");
    IpAddress c = IpAddress.parse("10.0.0.3");
    FlowAccumulator flows = new FlowAccumulator(16);
    // Seconds 1 and 2 fill slot 0; second 3 starts slot 1: as the monitor does.
    add(flows, LOCAL, b, 1_000, Orientation.SENT);
    interval(producer, table, flows, 1);
    add(flows, b, LOCAL, 300, Orientation.RECEIVED);
    add(flows, LOCAL, c, 70, Orientation.SENT);
    interval(producer, table, flows, 2);
    table.closeSlot();

    collector.askFullState(true);
    client.start();
    await(client::fullStateWanted, "the collector's request");
    add(flows, LOCAL, b, 5, Orientation.SENT);
    interval(producer, table, flows, 3); // batch 3, then the state that includes it
    collector.askFullState(false);
    add(flows, LOCAL, c, 9, Orientation.SENT);
    interval(producer, table, flows, 4);
    await(client::allAcknowledged, "every batch acknowledged");

    List<AgentMessage> stream = collector.streams().get(0);
    assertEquals(3, stream.size());
    assertTrue(stream.get(0).hasHello());
    FullState state = stream.get(1).getFullState();
    assertEquals(4, stream.get(2).getBatch().getSequence());
    assertEquals(3, state.getSequence());
    assertEquals(1_000_000_000L, state.getFirstSlotStartUnixNanos()); // slot 0 began with second 1
    assertEquals(FlowWire.volumePair(1_075, 3, 300, 1), state.getTotal());
    assertEquals(List.of(FlowWire.volumePair(1_070, 2, 300, 1), FlowWire.volumePair(5, 1, 0, 0)),
        state.getTotalSlotsList());
    assertEquals(2, state.getFlowsCount());
    FlowState toB = state.getFlowsList().stream()
        .filter(f -> FlowWire.fromProto(f.getKey()).remote().equals(b)).findFirst().orElseThrow();
    assertEquals(FlowWire.volumePair(1_005, 2, 300, 1), toB.getCumulative());
    assertEquals(List.of(FlowWire.volumePair(1_000, 1, 300, 1), FlowWire.volumePair(5, 1, 0, 0)), toB.getSlotsList());
    FlowState toC = state.getFlowsList().stream()
        .filter(f -> FlowWire.fromProto(f.getKey()).remote().equals(c)).findFirst().orElseThrow();
    assertEquals(FlowWire.volumePair(70, 1, 0, 0), toC.getCumulative());
    assertEquals(List.of(FlowWire.volumePair(70, 1, 0, 0)), toC.getSlotsList());
    assertEquals(4, collector.applied());
  }

  @Test
  void aCollectorThatRestartsAfterAReplayEndedGetsAFullState() throws Exception {
    BatchBuffer buffer = new BatchBuffer(600);
    IngestClient client = client(buffer);
    BatchProducer producer = new BatchProducer(client, 10);
    ConversationTable table = new ConversationTable(100);
    FlowAccumulator flows = new FlowAccumulator(16);
    client.start();
    for (long second = 1; second <= 3; second++) {
      add(flows, LOCAL, IpAddress.parse("10.0.0.9"), 100 * second, Orientation.SENT);
      interval(producer, table, flows, second);
      if (second == 2) {
        table.closeSlot(); // the monitor's second tick
      }
    }
    assertTrue(producer.awaitAcknowledged(Duration.ofSeconds(10)));
    collector.restart(); // the stream breaks at the next batch and the collector forgot the epoch
    add(flows, LOCAL, IpAddress.parse("10.0.0.9"), 400, Orientation.SENT);
    interval(producer, table, flows, 4);
    table.closeSlot(); // the fourth tick
    table.closeSlot(); // and the monitor's end

    assertTrue(producer.awaitAcknowledged(Duration.ofSeconds(10)), "the state answered after the end");
    List<AgentMessage> second = collector.streams().get(1);
    assertEquals(2, second.size());
    assertEquals(4, second.get(0).getHello().getOldestHeldSequence());
    assertEquals(4, second.get(0).getHello().getNewestSequence());
    FullState state = second.get(1).getFullState();
    assertEquals(4, state.getSequence());
    assertEquals(FlowWire.volumePair(1_000, 4, 0, 0), state.getTotal());
    assertEquals(List.of(FlowWire.volumePair(300, 2, 0, 0), FlowWire.volumePair(700, 2, 0, 0),
        FlowWire.volumePair(0, 0, 0, 0), FlowWire.volumePair(0, 0, 0, 0)), state.getTotalSlotsList());
    assertEquals(1_000_000_000L, state.getFirstSlotStartUnixNanos());
    assertEquals(4, collector.applied());
  }

  @Test
  void aSlowCollectorLeavesBatchesInTheBufferAndGetsThemAllWhenItReads() throws Exception {
    BatchBuffer buffer = new BatchBuffer(600);
    IngestClient client = client(buffer);
    collector.hold();
    client.start();
    await(() -> !collector.streams().isEmpty() && !collector.streams().get(0).isEmpty(), "the Hello");
    // 200 batches of 1,000 flows, ~8 MB: far past gRPC's 1 MiB window, so the sender must stop
    // at isReady() and go on from the on-ready handler once the collector reads.
    for (long n = 1; n <= 200; n++) {
      FlowAccumulator flows = new FlowAccumulator(1_000);
      for (int i = 0; i < 1_000; i++) {
        add(flows, LOCAL, IpAddress.v4(0x0B000000L + i), n, Orientation.SENT);
      }
      client.offer(FlowWire.toBatch(flows, n, n * 1_000_000_000L, (n + 1) * 1_000_000_000L, COUNTERS, 1_000));
    }
    assertEquals(200, buffer.size());
    collector.release();
    await(client::allAcknowledged, "every batch acknowledged");

    List<DeltaBatch> batches = collector.batches();
    assertEquals(range(1, 200), sequences(batches));
    assertEquals(1_000 * 200, batches.get(199).getTotal().getSent().getBytes());
  }

  /** What the monitor does with an interval: into the table, then to the listener, then cleared. */
  private static void interval(BatchProducer producer, ConversationTable table, FlowAccumulator flows, long second) {
    table.add(flows);
    producer.interval(flows, COUNTERS, (second + 1) * 1_000_000_000L, table);
    flows.clear();
  }
}
