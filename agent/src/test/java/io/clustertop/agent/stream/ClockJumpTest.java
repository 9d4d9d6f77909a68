package io.clustertop.agent.stream;

import static io.clustertop.agent.stream.FakeCollector.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.PacketHandler;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.IntervalListener;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorClock;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A live agent whose clocks jump a year ahead and then a year back (a suspended machine, an NTP
 * step): the jump ahead closes every window at once (a handful of ticks, not a year's worth), the
 * jump back neither stalls the ticks nor makes a rate or a batch's span negative, and every byte
 * reaches the collector.
 */
class ClockJumpTest {
  private static final long SECOND = 1_000_000_000L;
  private static final long YEAR = 365L * 24 * 3600 * SECOND;
  private static final IpAddress HOST = IpAddress.parse("10.77.0.1");

  private final FakeCollector collector = new FakeCollector();

  ClockJumpTest() throws Exception {}

  @AfterEach
  void stop() {
    collector.close();
  }

  /** Virtual time: sleeping moves it on at once; {@link #jump} moves both clocks. */
  private static final class JumpingClock implements MonitorClock {
    final AtomicLong monotonic = new AtomicLong(5 * SECOND);
    final AtomicLong wall = new AtomicLong(1_800_000_000L * SECOND);

    @Override
    public long monotonicNanos() {
      return monotonic.get();
    }

    @Override
    public long wallNanos() {
      return wall.get();
    }

    /** Waits asked for: one a tick (the monitor sleeps until the next); a year's wait is far more. */
    long sleeps;

    @Override
    public void sleep(long nanos) {
      if (++sleeps > 10_000) {
        throw new AssertionError("the ticks wait for the clock to come back");
      }
      monotonic.addAndGet(nanos);
      wall.addAndGet(nanos);
    }

    void jump(long nanos) {
      monotonic.addAndGet(nanos);
      wall.addAndGet(nanos);
    }
  }

  /** A live interface that delivers the raw IPv4 packets queued for it, answering hand-offs at once. */
  private static final class QueuedLiveSource implements PacketSource {
    final ConcurrentLinkedQueue<byte[]> queued = new ConcurrentLinkedQueue<>();
    private final Semaphore woken = new Semaphore(0);
    private volatile boolean stopped;

    @Override
    public String name() {
      return "fake0";
    }

    @Override
    public boolean live() {
      return true;
    }

    @Override
    public void run(PacketHandler handler) {
      try (Arena arena = Arena.ofConfined()) {
        while (!stopped) {
          try {
            woken.tryAcquire(10, TimeUnit.MILLISECONDS);
          } catch (InterruptedException e) {
            return;
          }
          for (byte[] p; (p = queued.poll()) != null; ) {
            MemorySegment s = arena.allocate(p.length);
            MemorySegment.copy(MemorySegment.ofArray(p), 0, s, 0, p.length);
            int wire = (p[2] & 0xFF) << 8 | p[3] & 0xFF; // the IP length: the snap length cut the rest
            handler.packet(s, 0, p.length, wire, LinkType.RAW, 0);
          }
          handler.betweenBatches();
        }
      }
    }

    @Override
    public void wakeUp() {
      woken.release();
    }

    @Override
    public void stop() {
      stopped = true;
      woken.release();
    }

    @Override
    public void close() {}
  }

  /** A 1000-byte UDP datagram from this host to 10.77.0.2. */
  private static byte[] datagram() {
    ByteBuffer p = ByteBuffer.allocate(28);
    p.put((byte) 0x45).put((byte) 0).putShort((short) 1000).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
    p.putInt((int) HOST.low()).putInt((int) IpAddress.parse("10.77.0.2").low());
    p.putShort((short) 40000).putShort((short) 53).putShort((short) 980).putShort((short) 0);
    return p.array();
  }

  @Test
  void aYearAheadClosesEveryWindowAtOnceAndAYearBackStallsNothing() throws Exception {
    JumpingClock clock = new JumpingClock();
    QueuedLiveSource source = new QueuedLiveSource();
    BatchBuffer buffer = new BatchBuffer(600);
    try (IngestClient client = new IngestClient(
        NettyChannelBuilder.forTarget(collector.target()).usePlaintext().build(),
        AgentIdentity.newBuilder().setNode("n1").setAgentId(AgentId.random()).setEpoch(1).build(), buffer,
        io.clustertop.core.retry.Backoff.defaults(), (task, delay) -> {}, () -> {})) {
      client.start();
      BatchProducer producer = new BatchProducer(client, 100);
      List<Snapshot> seen = new ArrayList<>();
      long[] intervals = {0};
      Monitor[] monitor = new Monitor[1];
      // The script runs on the intervals (one a tick while the capture thread answers): a tick
      // listener is not told of ticks past 40 s of silence, intervals are.
      IntervalListener script = (flows, counters, end, table) -> {
        producer.interval(flows, counters, end, table);
        intervals[0]++;
        seen.add(table.snapshot(ViewOptions.defaults(), "fake0", 0, counters));
        switch ((int) intervals[0]) {
          case 1, 2, 3, 4, 5, 6 -> source.queued.add(datagram());
          case 7 -> clock.jump(YEAR);
          case 10 -> source.queued.add(datagram());
          case 12 -> clock.jump(-YEAR);
          case 13, 14 -> source.queued.add(datagram());
          case 20 -> monitor[0].stop();
          default -> {}
        }
        if (intervals[0] > 100) {
          monitor[0].stop(); // a year's worth of ticks is on its way: enough to fail
        }
      };
      monitor[0] = new Monitor(source, new MonitorOptions(null, null, false, 64, 64).withLocalAddresses(List.of(HOST)),
          script, clock);
      long[] ticks = {0};
      Snapshot[] last = new Snapshot[1];
      monitor[0].run(view -> {
        ticks[0]++;
        if (view.finished()) {
          last[0] = view.snapshot(ViewOptions.defaults());
        }
      });
      assertTrue(intervals[0] <= 22, "intervals: " + intervals[0]);
      // Between ticks the loop sleeps until the next one, not in naps (an idle agent's wake-ups).
      assertTrue(clock.sleeps <= intervals[0] + 2, "waits: " + clock.sleeps + " for " + intervals[0] + " intervals");

      // After the jump ahead: the windows are empty, the cumulative figures whole.
      Snapshot afterJump = seen.get(8);
      assertEquals(6000, afterJump.totals().sent().bytes());
      assertRates(afterJump.totals().sent(), 0);
      for (Snapshot s : seen) {
        assertRates(s.totals().sent(), -1);
        assertRates(s.totals().received(), -1);
        for (Row r : s.rows()) {
          assertRates(r.sent(), -1);
        }
      }
      assertEquals(9000, last[0].totals().sent().bytes(), "every datagram counted");

      await(client::allAcknowledged, "every batch acknowledged");
      long bytes = 0;
      long previousEnd = Long.MIN_VALUE;
      for (DeltaBatch b : collector.batches()) {
        assertTrue(b.getEndUnixNanos() >= b.getStartUnixNanos(), () -> "a batch ends after it starts: " + b);
        assertTrue(b.getEndUnixNanos() - b.getStartUnixNanos() <= 40 * SECOND, () -> "and spans at most the window: " + b);
        bytes += b.getTotal().getSent().getBytes();
        previousEnd = b.getEndUnixNanos();
      }
      assertEquals(9000, bytes);
      assertEquals(clock.wallNanos(), previousEnd, "the last batch ends now, on the clock as it is");
    }
  }

  /** Every window's rate is {@code expected}, or (with -1) at least 0. */
  private static void assertRates(Traffic t, double expected) {
    Rates r = t.bytesPerSecond();
    for (double v : new double[] {r.last2s(), r.last10s(), r.last40s()}) {
      if (expected < 0) {
        assertTrue(v >= 0, "no negative rate: " + v);
      } else {
        assertEquals(expected, v);
      }
    }
  }
}
