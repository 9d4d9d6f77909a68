package io.clustertop.kafka.consume;

import com.google.protobuf.ByteString;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.core.window.SlotClock;
import io.clustertop.core.window.Windows;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kafka.publish.KafkaPublisher;
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.IngestGrpc;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Utils;

/**
 * A test agent with two ways out, fed the same batches: the real {@link KafkaPublisher} (its bounded
 * buffer, its gaps, a full state whenever the publisher wants one) and a gRPC ingest stream to a
 * reference collector, which gets every batch made (those the buffer dropped into a gap too). Its
 * full states hold what an agent's do: every conversation's cumulative volumes and its slots of the
 * last 40 s, so a collector that applies one keeps its windows as well as its figures since the start.
 *
 * <p>Public for the relay's end-to-end test, which runs these agents against a shard pair and a relay.
 *
 * <p>Thread safety: one thread makes its batches.
 */
public final class LogAgent implements AutoCloseable {
  private static final long SECOND = 1_000_000_000L;

  public final String node;
  public final String address;
  final AgentIdentity identity;
  private final KafkaPublisher publisher;
  private final StreamObserver<AgentMessage> reference;
  private final AtomicLong referenceApplied = new AtomicLong();
  private final Map<FlowKey, long[]> cumulative = new LinkedHashMap<>();
  /** Per conversation, its volumes by 2-second slot (of the batches' ends, as a collector files them). */
  private final Map<FlowKey, TreeMap<Long, long[]>> slots = new LinkedHashMap<>();
  private final TreeMap<Long, long[]> totalSlots = new TreeMap<>();
  private final long[] total = new long[4];
  private long sequence;
  private long lastEnd;

  public LogAgent(PublisherSettings settings, int bufferBatches, String node, ByteString agentId, String address,
      ManagedChannel referenceChannel) {
    this.node = node;
    this.address = address;
    this.identity = AgentIdentity.newBuilder().setNode(node).setAgentId(agentId).setEpoch(System.currentTimeMillis())
        .addAddresses(ip(address)).setZone("z1").setSource("test").build();
    this.publisher = KafkaPublisher.create(settings, identity, new BatchBuffer(bufferBatches));
    this.reference = IngestGrpc.newStub(referenceChannel).stream(new StreamObserver<>() {
      @Override
      public void onNext(Ack ack) {
        referenceApplied.set(ack.getAppliedThrough());
      }

      @Override
      public void onError(Throwable t) {
        referenceApplied.set(-1);
      }

      @Override
      public void onCompleted() {}
    });
    reference.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setIdentity(identity).setOldestHeldSequence(1)).build());
    lastEnd = now() - SECOND;
    publisher.start();
  }

  /** An agent id whose records land on {@code partition} of {@code partitions} (Kafka's default partitioner: murmur2 of the key). */
  public static ByteString idOnPartition(int partition, int partitions) {
    for (int n = 1; ; n++) {
      byte[] id = new byte[16];
      java.util.Arrays.fill(id, (byte) n);
      id[0] = (byte) partition;
      if (Utils.toPositive(Utils.murmur2(id)) % partitions == partition) {
        return ByteString.copyFrom(id);
      }
    }
  }

  static ByteString ip(String address) {
    return ByteString.copyFrom(IpAddress.parse(address).bytes());
  }

  /** A TCP conversation between this node's port 40000 and {@code remote}'s 443, as this agent sees it. */
  /**
   * Step {@code k} of the four-node cluster the sharded tests share (n1..n4, in that order), each agent
   * reporting its own side of its conversations: n1-n3, n2-n4 and the pairs between them grow with k,
   * n1 and n2 also talk to {@code outside}.
   */
  public static void fourNodeStep(List<LogAgent> agents, long k, String outside) {
    LogAgent n1 = agents.get(0);
    LogAgent n2 = agents.get(1);
    LogAgent n3 = agents.get(2);
    LogAgent n4 = agents.get(3);
    n1.send(n1.flow(n3.address, 1000 + k, 300), n1.flow(n2.address, 10, 20), n1.flow(outside, 50, 70 + k));
    n2.send(n2.flow(n4.address, 500, 400 + k), n2.flow(n1.address, 20, 10), n2.flow(outside, 20, 0));
    n3.send(n3.flow(n1.address, 300, 1000 + k), n3.flow(n4.address, 200, 100));
    n4.send(n4.flow(n2.address, 400 + k, 500), n4.flow(n3.address, 100, 200));
  }

  public FlowDelta flow(String remote, long sentBytes, long receivedBytes) {
    return FlowDelta.newBuilder()
        .setKey(FlowKey.newBuilder().setLocalAddress(ip(address)).setRemoteAddress(ip(remote))
            .setLocalPort(40000).setRemotePort(443).setProtocol(6))
        .setVolume(volume(sentBytes, sentBytes == 0 ? 0 : 1, receivedBytes, receivedBytes == 0 ? 0 : 1))
        .build();
  }

  /** The next batch, ending now, to both ways out; then a full state if the publisher wants one. */
  public void send(FlowDelta... flows) {
    long end = Math.max(now(), lastEnd + 1);
    DeltaBatch.Builder b = DeltaBatch.newBuilder().setSequence(++sequence).setStartUnixNanos(lastEnd).setEndUnixNanos(end);
    long[] sum = new long[4];
    long slot = SlotClock.slotOf(end);
    for (FlowDelta f : flows) {
      b.addFlows(f);
      long[] c = cumulative.computeIfAbsent(f.getKey(), k -> new long[4]);
      long[] inSlot = slots.computeIfAbsent(f.getKey(), k -> new TreeMap<>()).computeIfAbsent(slot, k -> new long[4]);
      long[] v = {f.getVolume().getSent().getBytes(), f.getVolume().getSent().getPackets(),
          f.getVolume().getReceived().getBytes(), f.getVolume().getReceived().getPackets()};
      for (int i = 0; i < 4; i++) {
        c[i] += v[i];
        inSlot[i] += v[i];
        sum[i] += v[i];
        total[i] += v[i];
      }
    }
    long[] totalInSlot = totalSlots.computeIfAbsent(slot, k -> new long[4]);
    for (int i = 0; i < 4; i++) {
      totalInSlot[i] += sum[i];
    }
    lastEnd = end;
    DeltaBatch batch = b.setTotal(volume(sum[0], sum[1], sum[2], sum[3])).build();
    publisher.offer(batch);
    reference.onNext(AgentMessage.newBuilder().setBatch(batch).build());
    if (publisher.fullStateWanted()) {
      publisher.offerFullState(fullState());
    }
  }

  /**
   * Everything so far, as of the latest batch, as an agent's full state holds it (FlowWire.toFullState):
   * cumulative volumes, and the slots of the last 40 s (the latest one included) from the first with
   * a batch, each conversation's list up to its latest slot with traffic.
   */
  private FullState fullState() {
    long last = SlotClock.slotOf(lastEnd);
    long first = Math.max(totalSlots.isEmpty() ? last : totalSlots.firstKey(), last - Windows.SLOTS + 1);
    FullState.Builder s = FullState.newBuilder().setSequence(sequence)
        .setFirstSlotStartUnixNanos(SlotClock.startOf(first))
        .setTotal(volume(total[0], total[1], total[2], total[3]));
    for (long slot = first; slot <= last; slot++) {
      s.addTotalSlots(volume(totalSlots.getOrDefault(slot, new long[4])));
    }
    cumulative.forEach((key, c) -> {
      FlowState.Builder f = FlowState.newBuilder().setKey(key).setCumulative(volume(c));
      TreeMap<Long, long[]> bySlot = slots.get(key);
      for (long slot = first; slot <= bySlot.lastKey(); slot++) {
        f.addSlots(volume(bySlot.getOrDefault(slot, new long[4])));
      }
      s.addFlows(f);
    });
    return s.build();
  }

  private static VolumePair volume(long[] v) {
    return volume(v[0], v[1], v[2], v[3]);
  }

  long fullStatesPublished() {
    return publisher.fullStatesPublished();
  }

  public boolean settled() {
    return publisher.allAcknowledged() && referenceApplied.get() == sequence;
  }

  long sequence() {
    return sequence;
  }

  private static VolumePair volume(long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
    return VolumePair.newBuilder()
        .setSent(Volume.newBuilder().setBytes(sentBytes).setPackets(sentPackets))
        .setReceived(Volume.newBuilder().setBytes(receivedBytes).setPackets(receivedPackets))
        .build();
  }

  private static long now() {
    java.time.Instant i = java.time.Instant.now();
    return i.getEpochSecond() * SECOND + i.getNano();
  }

  @Override
  public void close() {
    publisher.close();
    reference.onCompleted();
  }
}
