package io.clustertop.collector.ingest;

import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.Refusal;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FlowHistory;
import io.clustertop.core.report.Flows;
import io.clustertop.core.report.FullState;
import io.clustertop.core.report.Gap;
import io.clustertop.core.report.Hello;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.Windows;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Checks one agent message on its own, once it is in core types, before anything is changed:
 * volumes that are traffic rather than overflow (at most what a link carries over the batch's
 * interval, {@code --max-link-rate}, and never 2^50 bytes; totals at least the sum of the flows), timestamps near the collector's clock, at most so many flows. Malformed addresses
 * never get this far: the conversion from protobuf refuses them. What needs the collector's state
 * (sequences, epochs) the ingest session and the merge check.
 *
 * <p>Thread safety: safe; it holds only its settings.
 */
final class MessageValidator {
  private final IngestLimits limits;
  private final LongSupplier clock;

  MessageValidator(IngestLimits limits, LongSupplier clock) {
    this.limits = limits;
    this.clock = clock;
  }

  void check(Hello hello) throws Refusal {
    AgentIdentity id = hello.identity();
    if (id.node().isEmpty()) {
      throw invalid(InputProblem.PROTOCOL, "a Hello names its node");
    }
    if (id.agentId().length() != AgentId.BYTES) {
      throw invalid(InputProblem.PROTOCOL, "an agent id has 16 bytes, not " + id.agentId().length());
    }
    if (id.epoch() == 0) {
      throw invalid(InputProblem.PROTOCOL, "an epoch is the agent's start time, never 0");
    }
  }

  void check(Batch batch) throws Refusal {
    if (batch.sequence() == 0) {
      throw invalid(InputProblem.BAD_SEQUENCE, "sequences begin at 1");
    }
    time(batch.startUnixNanos(), "start", 0);
    time(batch.endUnixNanos(), "end", 0);
    if (batch.endUnixNanos() < batch.startUnixNanos()) {
      throw invalid(InputProblem.BAD_TIME, "the batch ends before it starts");
    }
    Flows flows = batch.flows();
    if (flows.size() > limits.maxFlowsPerBatch()) {
      throw invalid(InputProblem.TOO_MANY_FLOWS,
          flows.size() + " flows in one batch, more than " + limits.maxFlowsPerBatch());
    }
    long link = limits.maxBatchBytes(batch.endUnixNanos() - batch.startUnixNanos());
    long[] sum = new long[4];
    for (int i = 0; i < flows.size(); i++) {
      for (int f = 0; f < 4; f++) {
        long v = flows.volumeField(i, f);
        ceiling(v, IngestLimits.MAX_BATCH_BYTES, "a flow's volume");
        link(v, link, "a flow", batch);
        sum[f] = addExact(sum[f], v);
      }
    }
    Volume total = volume(batch.total(), IngestLimits.MAX_BATCH_BYTES, "the batch total");
    covers(total, new Volume(sum[0], sum[1], sum[2], sum[3]), "the batch total");
    for (long v : new long[] {total.sentBytes(), total.sentPackets(), total.receivedBytes(), total.receivedPackets()}) {
      link(v, link, "the batch's total", batch);
    }
    counters(batch.counters());
    if (batch.hasGap()) {
      Gap g = batch.gap();
      if (g.firstSequence() == 0 || g.firstSequence() > g.lastSequence() || g.lastSequence() != batch.sequence() - 1) {
        throw invalid(InputProblem.BAD_SEQUENCE, "a Gap spans sequences first..last just before its batch's, not "
            + g.firstSequence() + ".." + g.lastSequence() + " before " + batch.sequence());
      }
      if (g.startUnixNanos() > g.endUnixNanos() || g.endUnixNanos() > batch.endUnixNanos()) {
        throw invalid(InputProblem.BAD_TIME, "a Gap's span ends before it starts, or after its batch");
      }
    }
  }

  void check(FullState state) throws Refusal {
    int slots = state.totalSlots().size();
    if (slots > Windows.SLOTS) {
      throw invalid(InputProblem.BAD_TIME, slots + " slots in a full state, more than " + Windows.SLOTS);
    }
    time(state.firstSlotStartUnixNanos(), "first slot", Windows.SLOTS * 2_000_000_000L);
    if (state.flows().size() > limits.maxFlowsPerFullState()) {
      throw invalid(InputProblem.TOO_MANY_FLOWS,
          state.flows().size() + " flows in one full state, more than " + limits.maxFlowsPerFullState());
    }
    long slotCeiling = limits.maxBatchBytes(Windows.SLOT_SECONDS * 1_000_000_000L);
    Volume cumulativeSum = Volume.ZERO;
    Volume[] slotSums = new Volume[slots];
    java.util.Arrays.fill(slotSums, Volume.ZERO);
    for (FlowHistory f : state.flows()) {
      if (f.slots().size() > slots) {
        throw invalid(InputProblem.BAD_TIME, "a flow has more slots than the totals");
      }
      Volume ownSlots = Volume.ZERO;
      for (int i = 0; i < f.slots().size(); i++) {
        Volume v = volume(f.slots().get(i), slotCeiling, "a slot");
        ownSlots = plus(ownSlots, v);
        slotSums[i] = plus(slotSums[i], v);
      }
      Volume cumulative = volume(f.cumulative(), IngestLimits.MAX_EPOCH_BYTES, "a flow's cumulative volume");
      covers(cumulative, ownSlots, "a flow's cumulative volume");
      cumulativeSum = plus(cumulativeSum, cumulative);
    }
    Volume total = volume(state.total(), IngestLimits.MAX_EPOCH_BYTES, "the total");
    covers(total, cumulativeSum, "the total");
    Volume totalSlotSum = Volume.ZERO;
    List<Volume> totalSlots = state.totalSlots();
    for (int i = 0; i < slots; i++) {
      Volume v = volume(totalSlots.get(i), slotCeiling, "a slot");
      covers(v, slotSums[i], "a total slot");
      totalSlotSum = plus(totalSlotSum, v);
    }
    covers(total, totalSlotSum, "the total");
    counters(state.counters());
  }

  /** More than a link carries over the batch's interval: not traffic, whatever the counter says. */
  private void link(long field, long ceiling, String what, Batch batch) throws Refusal {
    if (field > ceiling) {
      throw new Refusal(Refusal.Kind.INVALID, InputProblem.BEYOND_LINK_RATE, what + " carries " + field
          + " in " + (batch.endUnixNanos() - batch.startUnixNanos()) / 1_000_000 + " ms, more than a link of "
          + limits.maxLinkBytesPerSecond() * 8 + " b/s carries (--max-link-rate)");
    }
  }

  private void time(long unixNanos, String what, long extraPast) throws Refusal {
    long now = clock.getAsLong();
    if (unixNanos > now + limits.maxClockSkewNanos() || unixNanos < now - limits.maxClockSkewNanos() - extraPast) {
      throw invalid(InputProblem.BAD_TIME, "the " + what + " time is " + (unixNanos - now) / 1_000_000_000L
          + " s from the collector's clock, beyond " + limits.maxClockSkewNanos() / 1_000_000_000L + " s");
    }
  }

  /** Each field at most {@code ceiling} (uint64 values above 2^63 read as negative here). */
  private static Volume volume(Volume v, long ceiling, String what) throws Refusal {
    ceiling(v.sentBytes(), ceiling, what);
    ceiling(v.sentPackets(), ceiling, what);
    ceiling(v.receivedBytes(), ceiling, what);
    ceiling(v.receivedPackets(), ceiling, what);
    return v;
  }

  private static void ceiling(long field, long ceiling, String what) throws Refusal {
    if (field < 0 || field > ceiling) {
      throw invalid(InputProblem.BAD_VOLUME, what + " holds " + Long.toUnsignedString(field)
          + ", beyond " + ceiling + ": a counter overflowed");
    }
  }

  private static void covers(Volume total, Volume parts, String what) throws Refusal {
    long[] t = {total.sentBytes(), total.sentPackets(), total.receivedBytes(), total.receivedPackets()};
    long[] p = {parts.sentBytes(), parts.sentPackets(), parts.receivedBytes(), parts.receivedPackets()};
    for (int i = 0; i < t.length; i++) {
      if (t[i] < p[i]) {
        throw invalid(InputProblem.BAD_VOLUME, what + " (" + t[i] + ") is less than the sum of its parts (" + p[i] + ")");
      }
    }
  }

  private static void counters(CaptureCounters c) throws Refusal {
    for (long v : c.fields()) {
      if (v < 0 || v > IngestLimits.MAX_EPOCH_BYTES) {
        throw invalid(InputProblem.BAD_VOLUME, "a capture counter holds " + Long.toUnsignedString(v) + ": it overflowed");
      }
    }
  }

  /** Sums of many parts near the ceiling could overflow a long: that is bad input too. */
  private static Volume plus(Volume a, Volume b) throws Refusal {
    return new Volume(addExact(a.sentBytes(), b.sentBytes()), addExact(a.sentPackets(), b.sentPackets()),
        addExact(a.receivedBytes(), b.receivedBytes()), addExact(a.receivedPackets(), b.receivedPackets()));
  }

  private static long addExact(long a, long b) throws Refusal {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw invalid(InputProblem.BAD_VOLUME, "the flows' volumes add up beyond 2^63");
    }
  }

  static Refusal invalid(InputProblem problem, String message) {
    return new Refusal(Refusal.Kind.INVALID, problem, message);
  }
}
