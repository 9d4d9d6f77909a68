package io.clustertop.agent.capture;

import io.clustertop.core.flow.IpAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A capture file (any source that is not live) read again and again as one long capture: each pass's timestamps are moved on by
 * the file's period, so time only goes forward and every pass is a new stretch of the same traffic.
 *
 * <p>The period is the file's span (latest timestamp less earliest) rounded up to the next whole
 * second, and always longer than the span: pass n+1 begins after the last packet of pass n, and,
 * since the monitor ticks each second from the first packet, each pass begins on a tick, so an
 * interval never holds packets of two passes and the figures after n passes are n times the file's.
 *
 * <p>Thread safety: as {@link CaptureFile}: {@link #run} on one thread, {@link #stop} from any.
 */
public final class LoopedCapture implements PacketSource {
  /** Passes for a loop that runs until stopped. */
  public static final long FOREVER = Long.MAX_VALUE;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final PacketSource file;
  private final long passes;
  private final long periodNanos;
  private volatile boolean stopped;

  private LoopedCapture(PacketSource file, long passes, long periodNanos) {
    this.file = file;
    this.passes = passes;
    this.periodNanos = periodNanos;
  }

  /**
   * Reads {@code file} once to find its period; {@code passes} times, or {@link #FOREVER}. Takes
   * {@code file} over: closing the loop closes it.
   *
   * @throws CaptureException if the file is damaged, or holds no packet (a loop of nothing would
   *     spin without end)
   */
  public static LoopedCapture of(PacketSource file, long passes) throws CaptureException {
    if (passes < 1 || file.live()) {
      throw new IllegalArgumentException("a loop makes at least one pass over a file: " + passes + ", " + file.name());
    }
    long[] span = {Long.MAX_VALUE, Long.MIN_VALUE};
    try {
      file.run((segment, offset, captured, wire, link, timestampNanos) -> {
        span[0] = Math.min(span[0], timestampNanos);
        span[1] = Math.max(span[1], timestampNanos);
      });
    } catch (CaptureException e) {
      file.close();
      throw e;
    }
    if (span[0] > span[1]) {
      file.close();
      throw new CaptureException(file.name() + ": no packets to replay");
    }
    return new LoopedCapture(file, passes, ((span[1] - span[0]) / SECOND + 1) * SECOND);
  }

  /** How far each pass's timestamps are from the previous pass's, in nanoseconds. */
  public long periodNanos() {
    return periodNanos;
  }

  @Override
  public String name() {
    return file.name();
  }

  @Override
  public boolean live() {
    return false;
  }

  @Override
  public void run(PacketHandler handler) throws CaptureException {
    for (long pass = 0; pass < passes && !stopped; pass++) {
      long shift = pass * periodNanos;
      file.run((segment, offset, captured, wire, link, timestampNanos) ->
          handler.packet(segment, offset, captured, wire, link, timestampNanos + shift));
    }
  }

  /** What the file says of the interface it was captured on. */
  @Override
  public List<IpAddress> localAddresses() {
    return file.localAddresses();
  }

  @Override
  public long localMac() {
    return file.localMac();
  }

  @Override
  public void wakeUp() {}

  @Override
  public void stop() {
    stopped = true;
    file.stop();
  }


  @Override
  public void close() {
    file.close();
  }
}
