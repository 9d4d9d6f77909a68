package io.clustertop.collector;

import com.google.protobuf.ByteString;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;

/** Hand-built agent messages for tests: a Hello, flows, batches whose totals are the sum of their flows. */
public final class AgentMessages {
  /** 2023-11-14T22:13:20Z, the start of a 2-second slot. */
  public static final long T0 = 1_700_000_000_000_000_000L;
  public static final long SECOND = 1_000_000_000L;

  private AgentMessages() {}

  public static ByteString ip(String address) {
    return ByteString.copyFrom(IpAddress.parse(address).bytes());
  }

  /** An agent id of 16 bytes, all {@code n}. */
  public static ByteString agentId(int n) {
    byte[] id = new byte[16];
    java.util.Arrays.fill(id, (byte) n);
    return ByteString.copyFrom(id);
  }

  public static Hello hello(String node, int id, long epoch, String... addresses) {
    AgentIdentity.Builder identity = AgentIdentity.newBuilder().setNode(node).setAgentId(agentId(id)).setEpoch(epoch);
    for (String a : addresses) {
      identity.addAddresses(ip(a));
    }
    return Hello.newBuilder().setIdentity(identity).setOldestHeldSequence(1).build();
  }

  public static VolumePair volume(long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
    return VolumePair.newBuilder()
        .setSent(Volume.newBuilder().setBytes(sentBytes).setPackets(sentPackets))
        .setReceived(Volume.newBuilder().setBytes(receivedBytes).setPackets(receivedPackets))
        .build();
  }

  /** A TCP conversation between ports 40000 (local) and 443. */
  public static FlowDelta flow(String local, String remote, long sentBytes, long sentPackets, long receivedBytes,
      long receivedPackets) {
    return FlowDelta.newBuilder()
        .setKey(FlowKey.newBuilder().setLocalAddress(ip(local)).setRemoteAddress(ip(remote))
            .setLocalPort(40000).setRemotePort(443).setProtocol(6))
        .setVolume(volume(sentBytes, sentPackets, receivedBytes, receivedPackets))
        .build();
  }

  /** Batch {@code sequence}: the second that ends at {@code endNanos}, totals the sum of the flows. */
  public static DeltaBatch batch(long sequence, long endNanos, FlowDelta... flows) {
    long[] sum = new long[4];
    DeltaBatch.Builder b = DeltaBatch.newBuilder()
        .setSequence(sequence).setStartUnixNanos(endNanos - SECOND).setEndUnixNanos(endNanos);
    for (FlowDelta f : flows) {
      b.addFlows(f);
      sum[0] += f.getVolume().getSent().getBytes();
      sum[1] += f.getVolume().getSent().getPackets();
      sum[2] += f.getVolume().getReceived().getBytes();
      sum[3] += f.getVolume().getReceived().getPackets();
    }
    return b.setTotal(volume(sum[0], sum[1], sum[2], sum[3])).build();
  }

  public static AgentMessage message(Hello hello) {
    return AgentMessage.newBuilder().setHello(hello).build();
  }

  public static AgentMessage message(DeltaBatch batch) {
    return AgentMessage.newBuilder().setBatch(batch).build();
  }

  public static AgentMessage message(FullState state) {
    return AgentMessage.newBuilder().setFullState(state).build();
  }
}
