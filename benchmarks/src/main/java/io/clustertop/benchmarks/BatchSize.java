package io.clustertop.benchmarks;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import java.util.Random;

/**
 * What an agent sends the collector each second for a given number of active conversations: the
 * serialized size of one interval's batch (every conversation changed in both directions, realistic
 * byte and packet counts), IPv4 and IPv6. Prints a table for BENCHMARKS.md.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.clustertop.benchmarks.BatchSize}
 */
public final class BatchSize {
  private BatchSize() {}

  public static void main(String[] args) {
    System.out.println("| active conversations | IPv4 bytes/s | IPv6 bytes/s | bytes per conversation (v4 / v6) |");
    System.out.println("|---:|---:|---:|---:|");
    for (int flows : new int[] {100, 1000, 10_000}) {
      int v4 = size(flows, 4);
      int v6 = size(flows, 6);
      System.out.printf("| %,d | %,d | %,d | %.1f / %.1f |%n", flows, v4, v6, v4 / (double) flows, v6 / (double) flows);
    }
  }

  /** One batch of {@code flows} conversations of one node, as {@code BatchProducer} frames it. */
  static int size(int flows, int version) {
    Random random = new Random(flows);
    FlowAccumulator acc = new FlowAccumulator(flows);
    DecodedPacket p = new DecodedPacket();
    p.ipVersion = version;
    p.protocol = 6;
    for (int i = 0; i < flows; i++) {
      long remote = 0x0a4e0000L + i;
      int port = 1024 + random.nextInt(60000);
      for (int way = 0; way < 2; way++) {
        boolean sent = way == 0;
        long packets = 1 + random.nextInt(200);
        for (int k = 0; k < packets; k++) {
          p.srcHigh = version == 6 ? 0xfd77000000000000L : 0;
          p.dstHigh = p.srcHigh;
          p.srcLow = sent ? 0x0a4d0001L : remote;
          p.dstLow = sent ? remote : 0x0a4d0001L;
          p.srcPort = sent ? port : 443;
          p.dstPort = sent ? 443 : port;
          p.ipBytes = 40 + random.nextInt(1460);
          acc.add(p, sent ? Orientation.SENT : Orientation.RECEIVED);
        }
      }
    }
    CaptureCounters counters = new CaptureCounters(1_000_000, 0, 0, 1_000_000, 10, 0, 0, 0, 10, 0, 0, 0);
    DeltaBatch batch = FlowWire.toBatch(acc, 12_345, 1_700_000_000_000_000_000L, 1_700_000_001_000_000_000L, counters,
        flows);
    return AgentMessage.newBuilder().setBatch(batch).build().getSerializedSize();
  }
}
