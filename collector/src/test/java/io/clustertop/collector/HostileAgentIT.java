package io.clustertop.collector;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.message;
import static io.clustertop.collector.AgentMessages.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One hostile agent against the collector's limits, over real gRPC on 127.0.0.1, beside two honest
 * agents: it floods new conversations, sends a message past the size limit, byte counts no link
 * carries, full states and Hellos in a loop. Its input is folded or refused, each with its counter;
 * the collector holds no more than its limits; the honest agents' figures are exact. The collector's clock stands
 * still ({@code NOW}), so the new-conversation budget never refills and every figure is knowable.
 *
 * <pre>
 *   a 10.0.0.1, b 10.0.0.2: honest, to x 192.0.2.9 outside
 *   h 10.0.0.66: hostile, to 198.18.0.0/15 (a new remote address per flow)
 * </pre>
 */
class HostileAgentIT {
  private static final String A = "10.0.0.1";
  private static final String B = "10.0.0.2";
  private static final String H = "10.0.0.66";
  private static final String X = "192.0.2.9";
  private static final long NOW = T0 + SECOND;
  /** New conversations per second: a burst of ten seconds' worth, 1000, is all h keeps while the clock stands. */
  private static final int NEW_PER_SECOND = 100;
  private static final int HELLOS_PER_MINUTE = 6;
  private static final int MAX_MESSAGE_BYTES = 256 * 1024;
  private static final int MAX_CONVERSATIONS = 5000;

  private final AtomicLong clock = new AtomicLong(NOW);
  private CollectorServer collector;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    Watches.close(channel, collector);
  }

  @Test
  void aHostileAgentIsFoldedOrRefusedWithCountersAndHonestAgentsStayExact() throws IOException {
    IngestLimits limits = IngestLimits.defaults()
        .withConversations(2000, MAX_CONVERSATIONS)
        .withFlood(IngestLimits.DEFAULT_MAX_LINK_BYTES_PER_SECOND, NEW_PER_SECOND, HELLOS_PER_MINUTE);
    collector = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(limits, MAX_MESSAGE_BYTES, null, false, CostConfig.defaults(), null), clock::get).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
    TestAgent a = new TestAgent(channel);
    TestAgent b = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    b.hello(hello("b", 2, 1, B));
    long sequence = 0;
    long honestSent = 0;

    // 1. A flood of new conversations: 20 batches of 3000 new ones, 60,000 in all, 7 bytes each.
    TestAgent h = new TestAgent(channel);
    h.hello(hello("h", 66, 1, H));
    int perBatch = 3000;
    int batches = 20;
    for (int n = 0; n < batches; n++) {
      FlowDelta[] flows = new FlowDelta[perBatch];
      for (int i = 0; i < perBatch; i++) {
        int k = n * perBatch + i;
        flows[i] = flow(H, "198.18." + (k >> 8) + "." + (k & 0xff), 7, 1, 0, 0);
      }
      h.assertApplied(n + 1, h.send(batch(n + 1, NOW, flows)));
      sequence++;
      a.assertApplied(sequence, a.send(batch(sequence, NOW, flow(A, X, 1000, 1, 500, 1))));
      b.assertApplied(sequence, b.send(batch(sequence, NOW, flow(B, X, 2000, 2, 700, 1))));
      honestSent += 3000;
    }
    long burst = (long) NEW_PER_SECOND * IngestLimits.NEW_CONVERSATION_BURST_SECONDS;
    assertEquals(batches * perBatch - burst, collector.metrics().newConversationsFolded());
    assertEquals(0, collector.metrics().conversationsFolded(), "the rate, not the conversation limits, held it");
    // h's bytes are all counted (its "other" holds what was not kept), and it holds the burst alone
    assertEquals(batches * perBatch * 7L, node("h").getTotals().getSent().getBytes());
    assertEquals(2 + burst, collector.cluster().conversations());

    // 1b. Full states in a loop, each a batch further (one that only repeats batches applied is not
    // applied at all): each replaces h's conversations with 500 new ones, all past its budget (the clock
    // stands still): they go into "other", the full state's total is h's, exactly.
    for (int n = 0; n < 3; n++) {
      FullState.Builder state = FullState.newBuilder().setSequence(batches + n + 1).setFirstSlotStartUnixNanos(T0);
      for (int i = 0; i < 500; i++) {
        state.addFlows(FlowState.newBuilder().setKey(flow(H, "198.20." + (i >> 8) + "." + (i & 0xff), 0, 0, 0, 0)
            .getKey()).setCumulative(volume(3, 1, 0, 0)));
      }
      h.sendOnly(AgentMessage.newBuilder().setFullState(state.setTotal(volume(1500, 500, 0, 0))).build());
      h.assertApplied(batches + n + 1, h.ack());
    }
    long hLast = batches + 3;
    assertEquals(batches * perBatch - burst + 3 * 500, collector.metrics().newConversationsFolded());
    assertEquals(2, collector.cluster().conversations(), "h holds none: its full states went into \"other\"");
    long hSent = 1500;
    assertEquals(hSent, node("h").getTotals().getSent().getBytes());

    // 2. A message past --max-message-bytes: refused with RESOURCE_EXHAUSTED, counted, nothing counted.
    FlowDelta[] big = new FlowDelta[8000]; // about 300 KiB
    for (int i = 0; i < big.length; i++) {
      big[i] = flow(H, "198.19." + (i >> 8) + "." + (i & 0xff), 1, 1, 0, 0);
    }
    Status tooLarge = h.refused(message(batch(hLast + 1, NOW, big)));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooLarge.getCode(), tooLarge.toString());
    assertEquals(1, collector.metrics().rejectedCount(InputProblem.TOO_LARGE));

    // 3. Byte counts no link carries: 2^50 bytes in a second (a flow), then in a batch's total alone.
    h = new TestAgent(channel);
    h.hello(hello("h", 66, 1, H).toBuilder().setNewestSequence(hLast).build());
    Status absurdFlow = h.refused(message(batch(hLast + 1, NOW, flow(H, X, 1L << 50, 1, 0, 0))));
    assertEquals(Status.Code.INVALID_ARGUMENT, absurdFlow.getCode(), absurdFlow.toString());
    h = new TestAgent(channel);
    h.hello(hello("h", 66, 1, H).toBuilder().setNewestSequence(hLast).build());
    Status absurdTotal = h.refused(message(batch(hLast + 1, NOW, flow(H, X, 10, 1, 0, 0)).toBuilder()
        .setTotal(volume(1L << 49, 1, 0, 0)).build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, absurdTotal.getCode(), absurdTotal.toString());
    assertEquals(2, collector.metrics().rejectedCount(InputProblem.BEYOND_LINK_RATE));
    assertEquals(hSent, node("h").getTotals().getSent().getBytes(), "nothing of them counted");

    // 4. Hellos in a loop: all of 127.0.0.1 (a, b and h: no certificates) had 5 this minute; one more
    // is let in, the rest refused and counted.
    new TestAgent(channel).hello(hello("h", 66, 1, H).toBuilder().setNewestSequence(hLast).build());
    for (int i = 0; i < 9; i++) {
      Status end = new TestAgent(channel).refused(message(hello("h", 66, 1, H).toBuilder()
          .setNewestSequence(hLast).build()));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, end.getCode(), end.toString());
    }
    assertEquals(9, collector.metrics().rejectedCount(InputProblem.TOO_MANY_HELLOS));

    // The honest agents, on their streams of before, go on; their figures are exact throughout.
    for (int n = 0; n < 5; n++) {
      sequence++;
      a.assertApplied(sequence, a.send(batch(sequence, NOW, flow(A, X, 1000, 1, 500, 1))));
      b.assertApplied(sequence, b.send(batch(sequence, NOW, flow(B, X, 2000, 2, 700, 1))));
      honestSent += 3000;
    }
    assertEquals(sequence * 1000, node("a").getTotals().getSent().getBytes());
    assertEquals(sequence * 500, node("a").getTotals().getReceived().getBytes());
    assertEquals(sequence * 2000, node("b").getTotals().getSent().getBytes());
    assertEquals(sequence * 700, node("b").getTotals().getReceived().getBytes());
    ViewSnapshot nodes = watch(WatchRequest.newBuilder().setGrouping(Grouping.NODES).build());
    assertEquals(honestSent + hSent, nodes.getTotals().getSent().getBytes());

    // The collector holds what its limits allow, and its heap stays under the bound bin/clustertop gives
    // it for them (256 MiB + 2 KiB per conversation of --max-conversations; this JVM holds the test too).
    assertTrue(collector.cluster().conversations() <= MAX_CONVERSATIONS);
    System.gc();
    long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long bound = (256L << 20) + 2048L * MAX_CONVERSATIONS;
    assertTrue(used < bound, "heap used " + used + " bytes, bound " + bound);
  }

  private ViewSnapshot node(String name) {
    return watch(WatchRequest.newBuilder().setNode(name).build());
  }

  /** The first snapshot of a subscription: the one sent at once. */
  private ViewSnapshot watch(WatchRequest request) {
    return Watches.first(channel, request);
  }
}
