package io.clustertop.agent.monitor;

import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.KernelStats;
import io.clustertop.agent.capture.PacketHandler;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodeCounters;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkDirection;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.packet.PacketDecoder;
import io.clustertop.core.packet.RejectReason;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.window.ConversationTable;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * iftop on one source: packet → decoder → orientation → interval table on the capture thread;
 * every second the interval table is handed to the aggregation thread, merged into the
 * {@link ConversationTable}, and listeners are told; every second tick closes a 2-second slot.
 *
 * <p>Live, ticks follow the wall clock, on a thread of their own, so an idle interface still
 * moves its windows. From a file, ticks follow the packets' timestamps on the reading thread, as
 * fast as the file can be read.
 *
 * <p>Moving the clock forward costs what the windows hold, not the time that passed: a silence
 * in a file, or a jump of the live clock (a suspended machine, a stopped process), longer than the
 * 40-second window is crossed in one step once every window has emptied, so a file whose packets are
 * years apart reads as fast as any other. A clock that goes back makes the live ticks pace from
 * the new time; packet times that go back stay in the interval being filled. Rates never go
 * negative: windows count slots, not clock readings.
 *
 * <p>The hand-off shares no lock with the capture thread: the aggregation thread raises a flag and
 * wakes libpcap's loop; between two batches the capture thread swaps its full interval table for
 * the spare one and publishes the full one through a volatile field. Nothing is lost at the end:
 * after the capture stops, its last interval is merged before the final tick.
 */
public final class Monitor {
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** How long a tick waits for the capture thread before leaving the interval for the next one. */
  private static final long HANDOFF_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(500);
  /**
   * Past this many silent ticks (40 s), listeners are not told again until traffic returns, and a
   * longer silence is crossed at once: every window is empty by then.
   */
  private static final int QUIET_TICKS = 42;

  private final PacketSource source;
  private final PacketDecoder decoder;
  private final Orientation orientation;
  private final ConversationTable table;
  private final DecodedPacket packet = new DecodedPacket();
  private final IntervalListener intervals;
  private final MonitorClock clock;

  // Capture thread's side of the hand-off.
  private FlowAccumulator current;
  private volatile FlowAccumulator spare;
  private volatile boolean handoffRequested;
  private volatile Interval ready;

  // Aggregation side.
  private long ignored;
  private long overflow;
  private DecodeCounters decoded = new DecodeCounters();
  private KernelStats kernel = KernelStats.NONE;
  private long ticks;
  private long lastTrafficTick;
  private volatile boolean stopped;
  /** The thread of a live run, between its ticks asleep until the next: stop() wakes it. */
  private volatile Thread pacer;

  /** One interval's table with the counters read at the moment it was handed over. */
  private record Interval(FlowAccumulator flows, DecodeCounters decoded, KernelStats kernel) {}

  public Monitor(PacketSource source, MonitorOptions options) {
    this(source, options, IntervalListener.NONE);
  }

  /** A monitor that also tells {@code intervals} of each interval's counts. */
  public Monitor(PacketSource source, MonitorOptions options, IntervalListener intervals) {
    this(source, options, intervals, MonitorClock.SYSTEM);
  }

  /** A monitor whose live ticks and wall time come from {@code clock}. */
  public Monitor(PacketSource source, MonitorOptions options, IntervalListener intervals, MonitorClock clock) {
    this.source = source;
    this.intervals = intervals;
    this.clock = clock;
    this.decoder = new PacketDecoder(options.localMac() >= 0 ? options.localMac() : source.localMac());
    this.orientation = new Orientation(
        options.localAddresses().isEmpty() ? source.localAddresses() : options.localAddresses(),
        options.netFilter4(), options.netFilter6(), options.countLinkLocal(), options.passing());
    this.table = new ConversationTable(options.maxConversations());
    this.current = new FlowAccumulator(options.maxFlowsPerInterval());
    this.spare = new FlowAccumulator(options.maxFlowsPerInterval());
  }

  /**
   * Runs until the source ends or {@link #stop()} is called, telling {@code listener} of every tick;
   * the last tick has {@link MonitorView#finished()} set and holds every packet counted.
   *
   * @throws CaptureException if the source failed; the final tick was delivered before
   */
  public void run(TickListener listener) throws CaptureException {
    if (source.live()) {
      runLive(listener);
    } else {
      runFile(listener);
    }
  }

  /** Ends the run soon, from any thread (a listener included). */
  public void stop() {
    stopped = true;
    source.stop();
    wakePacer();
  }

  private void wakePacer() {
    Thread t = pacer;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  private void runFile(TickListener listener) throws CaptureException {
    FileClock clock = new FileClock(listener);
    try {
      source.run(clock);
    } finally {
      mergeRemainder(clock.latest);
      finish(listener, clock.elapsedMillis());
    }
  }

  /** Ticks on packet time: a tick whenever a packet's timestamp passes the next second. */
  private final class FileClock implements PacketHandler {
    private final TickListener listener;
    private long start = Long.MIN_VALUE;
    private long nextTick;
    /** Latest timestamp seen: files are not always in order, and a timestamp going back stays in its interval. */
    private long latest;

    FileClock(TickListener listener) {
      this.listener = listener;
    }

    @Override
    public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
        long timestampNanos) {
      if (start == Long.MIN_VALUE) {
        start = timestampNanos;
        nextTick = plus(start, TICK_NANOS);
      }
      if (timestampNanos >= nextTick && !stopped) {
        long due = ticksDue(timestampNanos, nextTick);
        // The silence as it passes, until every window has emptied; then the rest of it at once.
        for (long walked = 0; walked < Math.min(due, QUIET_TICKS + 1) && !stopped; walked++) {
          fileTick();
        }
        if (due > QUIET_TICKS + 1 && !stopped) {
          long rest = due - (QUIET_TICKS + 1);
          skipTicks(rest - 1);
          nextTick = plus(nextTick, (rest - 1) * TICK_NANOS);
          fileTick(); // the listeners hear of the silence up to here in one interval
        }
      }
      latest = Math.max(latest, timestampNanos);
      count(segment, offset, capturedLength, wireLength, link, LinkDirection.UNKNOWN);
    }

    /** The interval ending at {@code nextTick}: merged, then the tick. */
    private void fileTick() {
      mergeInterval(new Interval(current, decoder.counters().copy(), KernelStats.NONE), nextTick);
      current.clear();
      tick(listener, nextTick - start, false);
      nextTick = plus(nextTick, TICK_NANOS);
    }

    long elapsedMillis() {
      return start == Long.MIN_VALUE ? 0 : TimeUnit.NANOSECONDS.toMillis(latest - start);
    }
  }

  /** The per-packet path: decode, orient, count. No allocation, no lock. */
  private void count(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
      int linkDirection) {
    if (decoder.decode(segment, offset, capturedLength, wireLength, link, linkDirection, packet)) {
      current.add(packet, orientation.orient(packet));
    }
  }

  private void runLive(TickListener listener) throws CaptureException {
    CaptureException[] failure = new CaptureException[1];
    Thread capture = Thread.ofPlatform().name("capture-" + source.name()).start(() -> {
      try {
        source.run(new PacketHandler() {
          @Override
          public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
              long timestampNanos) {
            count(segment, offset, capturedLength, wireLength, link, LinkDirection.UNKNOWN);
          }

          @Override
          public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
              long timestampNanos, int linkDirection) {
            count(segment, offset, capturedLength, wireLength, link, linkDirection);
          }

          @Override
          public void betweenBatches() {
            handOver();
          }
        });
      } catch (CaptureException e) {
        failure[0] = e;
      } finally {
        stopped = true;
        wakePacer();
      }
    });
    pacer = Thread.currentThread();
    long start = clock.monotonicNanos();
    long nextTick = start + TICK_NANOS;
    try {
      while (!stopped) {
        long now = clock.monotonicNanos();
        long wait = nextTick - now;
        if (wait > 2 * TICK_NANOS) { // the clock went back: pace from where it is now
          start -= nextTick - now - TICK_NANOS;
          nextTick = now + TICK_NANOS;
          continue;
        }
        if (wait > 0) {
          // One wake-up a tick on an idle node (it was 20, in 50 ms naps): stop() and the end of
          // the capture thread wake this thread at once.
          clock.sleep(wait);
          continue; // re-check: stop() may have come
        }
        long due = ticksDue(now, nextTick);
        Interval interval = requestInterval(capture);
        if (interval != null) {
          mergeInterval(interval, clock.wallNanos());
        }
        if (due > QUIET_TICKS) { // the clock jumped past every window: they all close at once
          skipTicks(due - 1);
          nextTick = plus(nextTick, (due - 1) * TICK_NANOS);
        }
        tick(listener, nextTick - start, false);
        nextTick += TICK_NANOS;
      }
    } finally {
      pacer = null;
      source.stop();
      joinQuietly(capture);
      // The capture thread has ended: what it handed over late, and its own table, are ours now.
      if (ready != null) {
        mergeInterval(ready, clock.wallNanos());
        ready = null;
      }
      mergeRemainder(clock.wallNanos());
      finish(listener, TimeUnit.NANOSECONDS.toMillis(Math.max(0, clock.monotonicNanos() - start)));
    }
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  /** Capture thread, between batches: swap in the spare table if the aggregation thread asked. */
  private void handOver() {
    FlowAccumulator empty = spare;
    if (!handoffRequested || empty == null) {
      return; // not asked, or the last interval handed over is not yet collected
    }
    spare = null;
    handoffRequested = false;
    ready = new Interval(current, decoder.counters().copy(), source.kernelStats());
    current = empty;
  }

  /**
   * Aggregation thread: asks for the capture thread's interval and waits briefly for it (on the
   * system's clock: this waits for a thread, not for time to pass).
   */
  private Interval requestInterval(Thread capture) {
    if (ready == null) {
      handoffRequested = true;
      source.wakeUp();
    }
    long deadline = System.nanoTime() + HANDOFF_WAIT_NANOS;
    while (ready == null && capture.isAlive() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(this, TimeUnit.MICROSECONDS.toNanos(200));
    }
    Interval interval = ready;
    if (interval == null) {
      return null; // still busy: the flag stays up and the next tick collects both seconds
    }
    ready = null;
    return interval;
  }

  /** Ticks due at {@code now}, the first at {@code nextTick}; a difference past a long's range saturates. */
  private static long ticksDue(long now, long nextTick) {
    long behind = now - nextTick;
    return (behind < 0 ? Long.MAX_VALUE : behind) / TICK_NANOS + 1;
  }

  /** {@code a + b} for a non-negative {@code b}, held at {@link Long#MAX_VALUE} (packet times of broken files). */
  private static long plus(long a, long b) {
    return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
  }

  /** {@code n} silent ticks at once: the slots they close close together, and nobody is told. */
  private void skipTicks(long n) {
    table.closeSlots((ticks + n) / 2 - ticks / 2);
    ticks += n;
  }

  private void mergeInterval(Interval interval, long endUnixNanos) {
    FlowAccumulator flows = interval.flows();
    table.add(flows);
    ignored += flows.ignoredPackets();
    overflow += flows.overflowPackets();
    decoded = interval.decoded();
    kernel = interval.kernel();
    if (flows.totalSentPackets() + flows.totalReceivedPackets() > 0) {
      lastTrafficTick = ticks + 1;
    }
    intervals.interval(flows, counters(), endUnixNanos, table);
    if (flows != current) {
      flows.clear();
      spare = flows;
    }
  }

  /** After the source has stopped: the interval table it was filling. */
  private void mergeRemainder(long endUnixNanos) {
    mergeInterval(new Interval(current, decoder.counters().copy(), source.kernelStats()), endUnixNanos);
    current.clear();
  }

  private void tick(TickListener listener, long elapsedNanos, boolean finished) {
    ticks++;
    boolean slotClosed = ticks % 2 == 0;
    if (slotClosed) {
      table.closeSlot();
    }
    if (finished || ticks - lastTrafficTick <= QUIET_TICKS) {
      listener.tick(view(TimeUnit.NANOSECONDS.toMillis(elapsedNanos), slotClosed, finished));
    }
  }

  private void finish(TickListener listener, long elapsedMillis) {
    if (ticks % 2 == 0) {
      ticks++; // the last slot is partial: close it, so the final figures include it
    }
    ticks++;
    table.closeSlot();
    listener.tick(view(elapsedMillis, true, true));
  }

  private MonitorView view(long elapsedMillis, boolean slotClosed, boolean finished) {
    return new MonitorView() {
      @Override
      public long elapsedMillis() {
        return elapsedMillis;
      }

      @Override
      public boolean slotClosed() {
        return slotClosed;
      }

      @Override
      public boolean finished() {
        return finished;
      }

      @Override
      public Snapshot snapshot(ViewOptions options, TableView grouping) {
        return grouping.snapshot(table, options, source.name(), clock.wallNanos() / 1_000_000L, counters());
      }
    };
  }

  private CaptureCounters counters() {
    long received = source.live() ? kernel.received() : decoded.seen();
    return new CaptureCounters(received, kernel.droppedByKernel(), kernel.droppedByInterface(),
        decoded.decoded(), decoded.rejected(),
        decoded.rejected(RejectReason.TRUNCATED), decoded.rejected(RejectReason.MALFORMED),
        decoded.rejected(RejectReason.UNSUPPORTED_LINK), decoded.rejected(RejectReason.NOT_IP),
        ignored, overflow, table.foldedConversations());
  }

  private static void joinQuietly(Thread thread) {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
