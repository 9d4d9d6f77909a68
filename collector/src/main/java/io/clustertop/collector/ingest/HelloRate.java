package io.clustertop.collector.ingest;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Hellos per peer and minute ({@code --max-hellos-per-minute}): a Hello costs the merge an agent
 * record, maybe an epoch and a rebuild of its views, so a peer that reconnects in a loop is turned
 * away past the limit, counted, until the next minute. An honest agent says Hello once per stream,
 * and reconnects at most every second or so, backing off.
 *
 * <p>A peer is its certificate's subject and its address ({@code PeerKey.endpoint}): agents behind one
 * address (a NAT) without certificates share its Hellos; agents sharing one certificate from many
 * addresses do not.
 *
 * <p>Thread safety: safe; each peer's minute under its own monitor.
 */
final class HelloRate {
  private static final long MINUTE = 60_000_000_000L;
  /** Peers remembered; past it the minutes gone are forgotten (a peer's only matters within its minute). */
  private static final int MAX_PEERS = 100_000;

  private final int perMinute;
  private final LongSupplier clock;
  private final ConcurrentHashMap<String, Minute> peers = new ConcurrentHashMap<>();

  HelloRate(int perMinute, LongSupplier clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  private static final class Minute {
    long minute = Long.MIN_VALUE;
    int count;
  }

  /** Whether {@code peer} may say one more Hello now (it counts, if so). */
  boolean admit(String peer) {
    long minute = Math.floorDiv(clock.getAsLong(), MINUTE);
    if (peers.size() > MAX_PEERS) {
      peers.values().removeIf(m -> {
        synchronized (m) {
          return m.minute < minute;
        }
      });
    }
    Minute m = peers.computeIfAbsent(peer, p -> new Minute());
    synchronized (m) {
      if (m.minute != minute) {
        m.minute = minute;
        m.count = 0;
      }
      if (m.count >= perMinute) {
        return false;
      }
      m.count++;
      return true;
    }
  }
}
