package io.clustertop.relay;

import io.clustertop.collector.CollectorServer;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.time.Duration;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * A reference collector's and a relay's views of one slot, waited for until their figures agree (the
 * shards may still be applying what the reference has); at the deadline the last pair is returned, for
 * the caller's full comparison to fail with the difference.
 */
final class SettledViews {
  private SettledViews() {}

  /** @return the reference's view and the relay's, of the same slot */
  static ViewSnapshot[] sameSlotOnceSettled(Watcher truthWatcher, Watcher mergedWatcher, WatchRequest request,
      Duration settle) throws InterruptedException {
    return sameSlotOnceSettled(truthWatcher, mergedWatcher, request, settle, merged -> true);
  }

  /**
   * As above, and waited for until the relay's view also passes {@code complete} (e.g. {@link #whole}).
   *
   * @return the reference's view and the relay's, of the same slot
   */
  static ViewSnapshot[] sameSlotOnceSettled(Watcher truthWatcher, Watcher mergedWatcher, WatchRequest request,
      Duration settle, Predicate<ViewSnapshot> complete) throws InterruptedException {
    long deadline = System.nanoTime() + settle.toNanos();
    ViewSnapshot truth = null;
    ViewSnapshot merged = null;
    do {
      try {
        truth = truthWatcher.next();
        long time = truth.getTimeUnixNanos();
        merged = mergedWatcher.next(s -> s.getTimeUnixNanos() >= time);
        // Only the side behind moves on: the one ahead holds its slot, else each step could take both
        // past each other for good (the two streams need not show every slot).
        while (merged.getTimeUnixNanos() != truth.getTimeUnixNanos()) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("no slot in common within " + settle);
          }
          long ahead = Math.max(merged.getTimeUnixNanos(), truth.getTimeUnixNanos());
          if (truth.getTimeUnixNanos() < ahead) {
            truth = truthWatcher.next(s -> s.getTimeUnixNanos() >= ahead);
          } else {
            merged = mergedWatcher.next(s -> s.getTimeUnixNanos() >= ahead);
          }
        }
      } catch (AssertionError e) { // which view, which slots each side had reached, and the clock's
        throw new AssertionError(request.toString().replace('\n', ' ') + ": the reference's latest slot "
            + (truth == null ? "none" : truth.getTimeUnixNanos()) + ", the relay's "
            + (merged == null ? "none" : merged.getTimeUnixNanos() + " " + merged.getRelay().toString().replace('\n', ' '))
            + ", now " + CollectorServer.wallClockNanos(), e);
      }
    } while ((!figures(truth).equals(figures(merged)) || !complete.test(merged)) && System.nanoTime() < deadline);
    return new ViewSnapshot[] {truth, merged};
  }

  /**
   * Every shard's view of the slot is in the merged one: none late (on a busy machine a shard's view
   * can come more than --late-after after the other's, and the relay then merges its view of the slot
   * before, which is right for the relay and not what the reference shows of this slot).
   */
  static boolean whole(ViewSnapshot merged) {
    return merged.getRelay().getShardsList().stream().allMatch(s -> s.getAnswering() && s.getProblem().isEmpty());
  }

  /** Bytes and packets of every row, "other" and the totals: what must settle before the full comparison. */
  static String figures(ViewSnapshot s) {
    TreeSet<String> out = new TreeSet<>();
    for (Row r : s.getRowsList()) {
      out.add(r.getLeft() + "|" + r.getRight() + "|" + r.getSent().getBytes() + "/" + r.getSent().getPackets() + "|"
          + r.getReceived().getBytes() + "/" + r.getReceived().getPackets() + "|" + r.getConversations());
    }
    out.add("other " + s.getOther().getSent().getBytes() + "/" + s.getOther().getReceived().getBytes());
    out.add("totals " + s.getTotals().getSent().getBytes() + "/" + s.getTotals().getReceived().getBytes() + "/"
        + s.getTotals().getSent().getPackets() + "/" + s.getTotals().getReceived().getPackets());
    return out.toString();
  }
}
