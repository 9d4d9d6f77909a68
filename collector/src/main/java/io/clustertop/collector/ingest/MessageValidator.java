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
import io.clustertop.core.window.SlotClock;
import io.clustertop.core.window.Windows;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Checks one agent message on its own, once it is in core types, before anything is changed:
 * volumes that are traffic rather than overflow (at most what a link carries over the batch's
 * interval, {@code --max-link-rate}, and never 2^50 bytes; totals at least the sum of the flows),
 * timestamps near the collector's clock, at most so many flows, names that print as they are (no
 * control characters, at most a DNS name's length), an epoch that is a start time, gaps within their
 * agent's life. Malformed addresses
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
    long now = clock.getAsLong();
    if (id.epoch() < 0 || id.epoch() > now + MAX_EPOCH_AHEAD_NANOS) {
      // 2^63-1 would outrank every later epoch of the real agent, which would be refused for ever
      throw invalid(InputProblem.BAD_TIME, "the epoch (the agent's start time) is "
          + (id.epoch() < 0 ? "beyond 2^63" : (id.epoch() - now) / 1_000_000_000L + " s ahead of the collector's clock")
          + ", more than " + MAX_EPOCH_AHEAD_NANOS / 1_000_000_000L + " s: no start time");
    }
    name("node name", id.node());
    name("zone", id.zone());
    name("region", id.region());
    name("source", id.source());
    if (id.labels().size() > MAX_LABELS) {
      throw invalid(InputProblem.BAD_NAME, id.labels().size() + " labels, more than " + MAX_LABELS);
    }
    for (var label : id.labels().entrySet()) {
      name("label name", label.getKey());
      name("label " + label.getKey() + "'s value", label.getValue()); // its name checked just before
    }
  }

  /**
   * How far ahead of the collector's clock an epoch may be: a day, so an agent whose clock is hours
   * off still joins (and its batches, refused for their time, show its node as "clock off").
   */
  static final long MAX_EPOCH_AHEAD_NANOS = 86_400_000_000_000L;

  /** The longest name taken: a DNS name's (RFC 1035), and Kubernetes' for a label's key. */
  static final int MAX_NAME_LENGTH = 253;
  /** Labels taken from one agent: Kubernetes nodes carry a few dozen. */
  static final int MAX_LABELS = 256;

  /**
   * A name printed on every console and in every log line: no control characters (a terminal would
   * act on them), no invisible formatting, at most {@link #MAX_NAME_LENGTH} characters.
   */
  private static void name(String what, String value) throws Refusal {
    if (value.length() > MAX_NAME_LENGTH) {
      throw invalid(InputProblem.BAD_NAME, "the " + what + " has " + value.length() + " characters, more than "
          + MAX_NAME_LENGTH);
    }
    for (int i = 0; i < value.length(); ) {
      int c = value.codePointAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
          || type == Character.PARAGRAPH_SEPARATOR || type == Character.SURROGATE || type == Character.UNASSIGNED) {
        throw invalid(InputProblem.BAD_NAME, String.format(java.util.Locale.ROOT,
            "the %s holds the character U+%04X at %d: control and formatting characters are not taken", what, c, i));
      }
      i += Character.charCount(c);
    }
  }

  void check(Batch batch) throws Refusal {
    if (batch.sequence() == 0) {
      throw invalid(InputProblem.BAD_SEQUENCE, "sequences begin at 1");
    }
    time(batch.endUnixNanos(), "end", 0); // first: a batch is sent as it ends, so its end tells the clock's offset
    time(batch.startUnixNanos(), "start", 0);
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

  /**
   * A gap as its epoch allows it: not begun before the agent started (its epoch is its start time,
   * on the same clock as the gap's), so no gap counts more seconds than the agent ran. What the
   * ingest session asks of a batch's or a full state's gap, once it knows the speaker's epoch.
   */
  void check(Gap g, long epoch) throws Refusal {
    if (g.startUnixNanos() < epoch) {
      throw invalid(InputProblem.BAD_TIME, "a Gap begins " + (epoch - g.startUnixNanos()) / 1_000_000_000L
          + " s before the agent's epoch (its start)");
    }
  }

  void check(FullState state) throws Refusal {
    int slots = state.totalSlots().size();
    if (slots > Windows.SLOTS) {
      throw invalid(InputProblem.BAD_TIME, slots + " slots in a full state, more than " + Windows.SLOTS);
    }
    time(state.firstSlotStartUnixNanos(), "first slot", Windows.SLOTS * SlotClock.SLOT_NANOS);
    if (state.flows().size() > limits.maxFlowsPerFullState()) {
      throw invalid(InputProblem.TOO_MANY_FLOWS,
          state.flows().size() + " flows in one full state, more than " + limits.maxFlowsPerFullState());
    }
    long slotCeiling = limits.maxBatchBytes(SlotClock.SLOT_NANOS);
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
    if (state.hasGap()) {
      Gap g = state.gap();
      if (g.firstSequence() == 0 || g.firstSequence() > g.lastSequence() || g.lastSequence() > state.sequence()) {
        throw invalid(InputProblem.BAD_SEQUENCE, "a full state's Gap spans sequences first..last at or before the"
            + " state's, not " + g.firstSequence() + ".." + g.lastSequence() + " for " + state.sequence());
      }
      if (g.startUnixNanos() > g.endUnixNanos()) {
        throw invalid(InputProblem.BAD_TIME, "a Gap's span ends before it starts");
      }
      long now = clock.getAsLong();
      if (g.endUnixNanos() > now + limits.maxClockSkewNanos()) {
        throw clockOff("the gap's end", g.endUnixNanos(), now);
      }
    }
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
      throw clockOff("the " + what + " time", unixNanos, now);
    }
  }

  /**
   * A time too far from the collector's: the agent's clock is off by about that much (a batch is
   * sent as its second ends). The words "collector's clock" are what the agent looks for.
   */
  private Refusal clockOff(String what, long unixNanos, long now) {
    return Refusal.clockOff(unixNanos - now, what + " is " + (unixNanos - now) / 1_000_000_000L
        + " s from the collector's clock, beyond " + limits.maxClockSkewNanos() / 1_000_000_000L + " s");
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
