package io.clustertop.collector.ingest;

import io.clustertop.auth.ClaimCheck;
import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.volume;

import io.clustertop.collector.LocalViews;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.view.ViewRegistry;
import io.clustertop.collector.watch.SnapshotCut;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One fuzz input as agents' streams into the collector, without gRPC: each message's bytes through
 * the collector's own marshaller ({@link ReportMarshaller}), the ingest session (validator, Hello
 * limits, sequences, held batches), the merge and the views kept up to date, as the server runs them.
 * Every message to an open stream is acknowledged or ends its stream with a status (and is counted by
 * reason); nothing else is thrown; the collector holds no more than its limits; each view's rows and
 * "other" add up to its totals, and the totals of the views kept up to date all along are those of
 * views built afresh. Shared by Jazzer's {@link IngestFuzzTest} and the seeded mutations of
 * {@link IngestMutationTest}.
 *
 * <p>The input, record after record: an operation byte (bits 0-1: which of four streams; bit 2: that
 * stream ends first and a new one opens; bit 3: the collector's clock moves a second on), a length of
 * two bytes (big-endian), and that many bytes of an {@code AgentMessage} (fewer if the input ends).
 */
final class IngestFuzzTarget {
  /** What one input came to. */
  record Outcome(long messages, long acked, long refused) {}

  static final int STREAMS = 4;
  private static final IngestLimits LIMITS = IngestLimits.defaults().with(64, 8)
      .withConversations(40, 120).withHeld(4, 64 * 1024)
      .withFlood(1_000_000_000L, 10, 20);
  private static final int MAX_MESSAGE_BYTES = 16 * 1024;
  private static final List<WatchRequest> WATCHED = List.of(
      WatchRequest.newBuilder().setLimit(3).build(),
      WatchRequest.newBuilder().setGrouping(Grouping.NODES).setLimit(2).build(),
      WatchRequest.newBuilder().setGrouping(Grouping.REMOTE_ADDRESSES).setLimit(2).build(),
      WatchRequest.newBuilder().setNode("a").setLimit(2).build());

  private IngestFuzzTarget() {}

  /** One stream's answers. */
  private static final class Answers implements StreamObserver<Ack> {
    long acks;
    Status end;

    @Override
    public void onNext(Ack ack) {
      if (end != null) {
        throw new AssertionError("an Ack after the stream ended with " + end);
      }
      acks++;
    }

    @Override
    public void onError(Throwable t) {
      if (end != null) {
        throw new AssertionError("a second end: " + t + " after " + end);
      }
      end = Status.fromThrowable(t);
    }

    @Override
    public void onCompleted() {
      if (end == null) {
        end = Status.OK;
      }
    }
  }

  static Outcome run(byte[] input) {
    AtomicLong clock = new AtomicLong(T0 + SECOND);
    CollectorMetrics metrics = new CollectorMetrics();
    MergeStore merge = new MergeStore(clock::get, LIMITS, metrics, CostConfig.defaults().classifier());
    ViewRegistry kept = new ViewRegistry(merge, metrics);
    for (WatchRequest w : WATCHED) {
      kept.acquire(ViewWire.spec(w));
    }
    MessageValidator validator = new MessageValidator(LIMITS, clock::get);
    HelloRate hellos = new HelloRate(LIMITS.maxHellosPerMinute(), clock::get);
    ReportMarshaller marshaller = new ReportMarshaller(MAX_MESSAGE_BYTES);
    IngestSession[] sessions = new IngestSession[STREAMS];
    Answers[] answers = new Answers[STREAMS];
    long messages = 0;
    long acked = 0;
    long refused = 0;
    int at = 0;
    while (at + 3 <= input.length) {
      int op = input[at] & 0xff;
      int length = Math.min(((input[at + 1] & 0xff) << 8) | (input[at + 2] & 0xff), input.length - at - 3);
      byte[] message = java.util.Arrays.copyOfRange(input, at + 3, at + 3 + length);
      at += 3 + length;
      int s = op & (STREAMS - 1);
      if ((op & 8) != 0) {
        clock.addAndGet(SECOND);
      }
      if (sessions[s] != null && ((op & 4) != 0 || answers[s].end != null)) {
        sessions[s].onCompleted();
        acked += answers[s].acks;
        sessions[s] = null;
      }
      if (sessions[s] == null) {
        answers[s] = new Answers();
        sessions[s] = new IngestSession(merge, validator, LIMITS, metrics, answers[s], "fuzz", null,
            new ClaimCheck(java.util.List.of()), "fuzz " + s, hellos::admit);
      }
      long acksBefore = answers[s].acks;
      sessions[s].onNext(marshaller.parse(new ByteArrayInputStream(message)));
      messages++;
      boolean ackedNow = answers[s].acks == acksBefore + 1;
      boolean endedNow = answers[s].end != null;
      if (ackedNow == endedNow) {
        throw new AssertionError("message " + messages + ": " + (ackedNow ? "acknowledged and refused" : "no answer"));
      }
      if (endedNow) {
        refused++;
      }
    }
    for (int s = 0; s < STREAMS; s++) {
      if (sessions[s] != null) {
        sessions[s].onCompleted();
        acked += answers[s].acks;
      }
    }
    long counted = 0;
    for (InputProblem p : InputProblem.values()) {
      counted += metrics.rejectedCount(p);
    }
    if (counted != refused) {
      throw new AssertionError(refused + " messages refused, " + counted + " counted as refused");
    }
    if (merge.conversations() > LIMITS.maxConversations()) {
      throw new AssertionError(merge.conversations() + " conversations held, more than " + LIMITS.maxConversations());
    }
    clock.addAndGet(2 * SECOND + SlotClock.GRACE_NANOS);
    long latest = SlotClock.latestCompleted(clock.get());
    kept.refresh();
    for (WatchRequest w : WATCHED) {
      ViewSpec spec = ViewWire.spec(w);
      Frame frame = kept.frame(spec, latest);
      ViewSnapshot kept_ = SnapshotCut.of(w, frame, CostConfig.defaults().prices(), SnapshotCut.nodes(frame));
      ViewSnapshot fresh = LocalViews.view(merge, w, latest, CostConfig.defaults().prices());
      addsUp(kept_, w);
      addsUp(fresh, w);
      if (!kept_.getTotals().getSent().equals(fresh.getTotals().getSent())
          || !kept_.getTotals().getReceived().equals(fresh.getTotals().getReceived())) {
        throw new AssertionError("the view kept up to date (" + kept_.getTotals() + ") is not the one built afresh ("
            + fresh.getTotals() + ") for " + w);
      }
    }
    return new Outcome(messages, acked, refused);
  }

  /** Rows and "other" add up to the totals, sent and received, bytes and packets. */
  private static void addsUp(ViewSnapshot s, WatchRequest w) {
    List<Row> all = new ArrayList<>(s.getRowsList());
    if (s.hasOther()) {
      all.add(s.getOther());
    }
    long[] sum = new long[4];
    for (Row r : all) {
      sum[0] += r.getSent().getBytes();
      sum[1] += r.getSent().getPackets();
      sum[2] += r.getReceived().getBytes();
      sum[3] += r.getReceived().getPackets();
    }
    long[] totals = {s.getTotals().getSent().getBytes(), s.getTotals().getSent().getPackets(),
        s.getTotals().getReceived().getBytes(), s.getTotals().getReceived().getPackets()};
    if (!java.util.Arrays.equals(sum, totals)) {
      throw new AssertionError("rows and other " + java.util.Arrays.toString(sum) + " are not the totals "
          + java.util.Arrays.toString(totals) + " in " + w);
    }
  }

  /** Agents' streams as the fuzzer's input: the records above, one per message. */
  static final class Input {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Input add(int op, AgentMessage message) {
      byte[] bytes = message.toByteArray();
      out.write(op);
      out.write(bytes.length >> 8);
      out.write(bytes.length);
      out.writeBytes(bytes);
      return this;
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }

  /**
   * Inputs that do what agents do: two nodes that talk to each other and outside, restarts, a gap,
   * held batches, a full state, a duplicate, and a stream that says Hello as another's agent.
   */
  static List<byte[]> seeds() {
    String a = "10.0.0.1";
    String b = "10.0.0.2";
    String x = "192.0.2.9";
    long t = T0 + SECOND;
    List<byte[]> seeds = new ArrayList<>();
    seeds.add(new Input()
        .add(0, message(hello("a", 1, 1, a)))
        .add(1, message(hello("b", 2, 1, b)))
        .add(0, message(batch(1, t, flow(a, b, 1000, 10, 300, 3), flow(a, x, 50, 1, 70, 1))))
        .add(1, message(batch(1, t, flow(b, a, 300, 3, 1000, 10), flow(b, x, 20, 1, 0, 0))))
        .add(8, message(batch(2, t + SECOND, flow(a, x, 5, 1, 7, 1))))
        .add(0, message(batch(2, t + SECOND, flow(a, x, 5, 1, 7, 1))))
        .add(1, message(batch(3, t + SECOND, flow(b, x, 9, 1, 0, 0))))
        .add(1, message(batch(2, t + SECOND, flow(b, x, 8, 1, 0, 0))))
        .bytes());
    seeds.add(new Input()
        .add(0, message(hello("a", 1, 1, a)))
        .add(0, AgentMessage.newBuilder().setFullState(FullState.newBuilder().setSequence(3)
            .setFirstSlotStartUnixNanos(T0 - 2 * SECOND)
            .addFlows(FlowState.newBuilder().setKey(flow(a, x, 0, 0, 0, 0).getKey())
                .setCumulative(volume(700, 7, 80, 2)).addSlots(volume(100, 1, 10, 1)).addSlots(volume(200, 2, 0, 0)))
            .setTotal(volume(900, 9, 80, 2)).addTotalSlots(volume(150, 2, 10, 1)).addTotalSlots(volume(200, 2, 0, 0)))
            .build())
        .add(0, message(batch(6, t, flow(a, x, 30, 1, 0, 0)).toBuilder()
            .setGap(Gap.newBuilder().setFirstSequence(4).setLastSequence(5).setStartUnixNanos(t - 3 * SECOND)
                .setEndUnixNanos(t - SECOND)).build()))
        .add(4, message(hello("a", 1, 2, a)))
        .add(0, message(batch(1, t, flow(a, b, 40, 1, 0, 0))))
        .add(2, message(hello("a", 1, 2, a)))
        .add(2, message(batch(2, t, flow(a, b, 40, 1, 0, 0))))
        .bytes());
    return seeds;
  }

  private static AgentMessage message(io.clustertop.proto.v1.Hello hello) {
    return AgentMessage.newBuilder().setHello(hello).build();
  }

  private static AgentMessage message(io.clustertop.proto.v1.DeltaBatch batch) {
    return AgentMessage.newBuilder().setBatch(batch).build();
  }
}
