package io.clustertop.collector.ingest;

import com.google.protobuf.ByteString;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.RejectedInput;
import io.clustertop.core.window.SlotHistory;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.CaptureCounters;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.VolumePair;
import io.grpc.Status;
import java.util.function.LongSupplier;

/**
 * Checks one agent message on its own, before anything is changed: addresses of 4 or 16 bytes,
 * volumes that are traffic rather than overflow (at most 2^50 bytes a batch, totals at least the sum
 * of the flows), timestamps near the collector's clock, at most so many flows. What needs the
 * collector's state (sequences, epochs) the {@code Cluster} checks.
 *
 * <p>Thread safety: safe; it holds only its settings.
 */
final class MessageValidator {
  private static final int AGENT_ID_BYTES = 16;

  private final IngestLimits limits;
  private final LongSupplier clock;

  MessageValidator(IngestLimits limits, LongSupplier clock) {
    this.limits = limits;
    this.clock = clock;
  }

  void check(Hello hello) throws RejectedInput {
    AgentIdentity id = hello.getIdentity();
    if (id.getNode().isEmpty()) {
      throw invalid(InputProblem.PROTOCOL, "a Hello names its node");
    }
    if (id.getAgentId().size() != AGENT_ID_BYTES) {
      throw invalid(InputProblem.PROTOCOL, "an agent id has 16 bytes, not " + id.getAgentId().size());
    }
    if (id.getEpoch() == 0) {
      throw invalid(InputProblem.PROTOCOL, "an epoch is the agent's start time, never 0");
    }
    for (ByteString a : id.getAddressesList()) {
      address(a, "node address");
    }
  }

  void check(DeltaBatch batch) throws RejectedInput {
    if (batch.getSequence() == 0) {
      throw invalid(InputProblem.BAD_SEQUENCE, "sequences begin at 1");
    }
    time(batch.getStartUnixNanos(), "start", 0);
    time(batch.getEndUnixNanos(), "end", 0);
    if (batch.getEndUnixNanos() < batch.getStartUnixNanos()) {
      throw invalid(InputProblem.BAD_TIME, "the batch ends before it starts");
    }
    if (batch.getFlowsCount() > limits.maxFlowsPerBatch()) {
      throw invalid(InputProblem.TOO_MANY_FLOWS,
          batch.getFlowsCount() + " flows in one batch, more than " + limits.maxFlowsPerBatch());
    }
    long[] sum = new long[4];
    for (FlowDelta f : batch.getFlowsList()) {
      key(f.getKey());
      add(sum, volume(f.getVolume(), IngestLimits.MAX_BATCH_BYTES, "a flow's volume"));
    }
    covers(volume(batch.getTotal(), IngestLimits.MAX_BATCH_BYTES, "the batch total"), sum, "the batch total");
    counters(batch.getCounters());
    if (batch.hasGap()) {
      Gap g = batch.getGap();
      if (g.getFirstSequence() == 0 || g.getFirstSequence() > g.getLastSequence()
          || g.getLastSequence() != batch.getSequence() - 1) {
        throw invalid(InputProblem.BAD_SEQUENCE, "a Gap spans sequences first..last just before its batch's, not "
            + g.getFirstSequence() + ".." + g.getLastSequence() + " before " + batch.getSequence());
      }
      if (g.getStartUnixNanos() > g.getEndUnixNanos() || g.getEndUnixNanos() > batch.getEndUnixNanos()) {
        throw invalid(InputProblem.BAD_TIME, "a Gap's span ends before it starts, or after its batch");
      }
    }
  }

  void check(FullState state) throws RejectedInput {
    int slots = state.getTotalSlotsCount();
    if (slots > SlotHistory.SLOTS) {
      throw invalid(InputProblem.BAD_TIME, slots + " slots in a full state, more than " + SlotHistory.SLOTS);
    }
    time(state.getFirstSlotStartUnixNanos(), "first slot", SlotHistory.SLOTS * 2_000_000_000L);
    if (state.getFlowsCount() > limits.maxFlowsPerFullState()) {
      throw invalid(InputProblem.TOO_MANY_FLOWS,
          state.getFlowsCount() + " flows in one full state, more than " + limits.maxFlowsPerFullState());
    }
    long[] cumulativeSum = new long[4];
    long[][] slotSums = new long[slots][4];
    for (FlowState f : state.getFlowsList()) {
      key(f.getKey());
      if (f.getSlotsCount() > slots) {
        throw invalid(InputProblem.BAD_TIME, "a flow has more slots than the totals");
      }
      long[] ownSlots = new long[4];
      for (int i = 0; i < f.getSlotsCount(); i++) {
        long[] v = volume(f.getSlots(i), IngestLimits.MAX_BATCH_BYTES * SlotHistory.SLOT_SECONDS, "a slot");
        add(ownSlots, v);
        add(slotSums[i], v);
      }
      long[] cumulative = volume(f.getCumulative(), IngestLimits.MAX_EPOCH_BYTES, "a flow's cumulative volume");
      covers(cumulative, ownSlots, "a flow's cumulative volume");
      add(cumulativeSum, cumulative);
    }
    long[] total = volume(state.getTotal(), IngestLimits.MAX_EPOCH_BYTES, "the total");
    covers(total, cumulativeSum, "the total");
    long[] totalSlotSum = new long[4];
    for (int i = 0; i < slots; i++) {
      long[] v = volume(state.getTotalSlots(i), IngestLimits.MAX_BATCH_BYTES * SlotHistory.SLOT_SECONDS, "a slot");
      covers(v, slotSums[i], "a total slot");
      add(totalSlotSum, v);
    }
    covers(total, totalSlotSum, "the total");
    counters(state.getCounters());
  }

  private void time(long unixNanos, String what, long extraPast) throws RejectedInput {
    long now = clock.getAsLong();
    if (unixNanos > now + limits.maxClockSkewNanos() || unixNanos < now - limits.maxClockSkewNanos() - extraPast) {
      throw invalid(InputProblem.BAD_TIME, "the " + what + " time is " + (unixNanos - now) / 1_000_000_000L
          + " s from the collector's clock, beyond " + limits.maxClockSkewNanos() / 1_000_000_000L + " s");
    }
  }

  private static void key(FlowKey k) throws RejectedInput {
    try {
      FlowWire.fromProto(k);
    } catch (IllegalArgumentException e) {
      throw invalid(InputProblem.MALFORMED_ADDRESS, e.getMessage());
    }
  }

  private static void address(ByteString a, String what) throws RejectedInput {
    try {
      FlowWire.toAddress(a);
    } catch (IllegalArgumentException e) {
      throw invalid(InputProblem.MALFORMED_ADDRESS, "a " + what + ": " + e.getMessage());
    }
  }

  /** The four fields, each at most {@code ceiling} (uint64 values above 2^63 read as negative here). */
  private static long[] volume(VolumePair v, long ceiling, String what) throws RejectedInput {
    long[] fields = {
      v.getSent().getBytes(), v.getSent().getPackets(), v.getReceived().getBytes(), v.getReceived().getPackets()
    };
    for (long f : fields) {
      if (f < 0 || f > ceiling) {
        throw invalid(InputProblem.BAD_VOLUME, what + " holds " + Long.toUnsignedString(f)
            + ", beyond " + ceiling + ": a counter overflowed");
      }
    }
    return fields;
  }

  private static void covers(long[] total, long[] parts, String what) throws RejectedInput {
    for (int i = 0; i < total.length; i++) {
      if (total[i] < parts[i]) {
        throw invalid(InputProblem.BAD_VOLUME, what + " (" + total[i] + ") is less than the sum of its parts ("
            + parts[i] + ")");
      }
    }
  }

  private static void counters(CaptureCounters c) throws RejectedInput {
    long[] all = {c.getReceived(), c.getDroppedByKernel(), c.getDroppedByInterface(), c.getDecoded(),
        c.getRejected(), c.getIgnored(), c.getOverflowPackets(), c.getRejectedTruncated(), c.getRejectedMalformed(),
        c.getRejectedUnsupportedLink(), c.getRejectedNotIp(), c.getFoldedConversations()};
    for (long v : all) {
      if (v < 0 || v > IngestLimits.MAX_EPOCH_BYTES) {
        throw invalid(InputProblem.BAD_VOLUME, "a capture counter holds " + Long.toUnsignedString(v) + ": it overflowed");
      }
    }
  }

  /** Sums of many parts near the ceiling could overflow a long: that is bad input too. */
  private static void add(long[] into, long[] v) throws RejectedInput {
    try {
      for (int i = 0; i < into.length; i++) {
        into[i] = Math.addExact(into[i], v[i]);
      }
    } catch (ArithmeticException e) {
      throw invalid(InputProblem.BAD_VOLUME, "the flows' volumes add up beyond 2^63");
    }
  }

  private static RejectedInput invalid(InputProblem problem, String message) {
    return new RejectedInput(Status.Code.INVALID_ARGUMENT, problem, message);
  }
}
