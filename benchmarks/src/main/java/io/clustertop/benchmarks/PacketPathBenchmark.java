package io.clustertop.benchmarks;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.packet.PacketDecoder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-packet path of the capture thread — decode, orient, count — over a buffer of Ethernet
 * frames laid out as in a capture (one segment, frames at offsets), with {@code flows} distinct
 * conversations. Run with {@code -prof gc} to see the allocation per packet (it must be 0).
 * {@code traffic=local}: one end of every packet is the interface's address; {@code passing}: the
 * interface has no address, as for a file that does not say who captured it, so every packet is
 * between two other hosts and counts by iftop's rule (the larger address left, its row's column
 * by source).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PacketPathBenchmark {
  private static final int PACKETS = 4096;
  static final int FRAME = 14 + 20 + 8 + 22; // Ethernet, IPv4, UDP, a little payload

  @Param({"100", "10000"})
  int flows;

  @Param({"local", "passing"})
  String traffic;

  private MemorySegment frames;
  private PacketDecoder decoder;
  private Orientation orientation;
  private FlowAccumulator accumulator;
  private final DecodedPacket packet = new DecodedPacket();

  @Setup
  public void setUp() {
    frames = MemorySegment.ofArray(udpFrames(PACKETS, flows));
    decoder = new PacketDecoder();
    orientation = new Orientation(traffic.equals("local") ? List.of(IpAddress.parse("10.77.0.1")) : List.of(),
        null, null, false);
    accumulator = new FlowAccumulator(65_536);
  }

  /**
   * {@code packets} Ethernet/IPv4/UDP frames of {@link #FRAME} bytes, one after the other, over
   * {@code flows} conversations of 10.77.0.1 (each way at random, seed 1).
   */
  static byte[] udpFrames(int packets, int flows) {
    Random random = new Random(1);
    ByteBuffer b = ByteBuffer.allocate(packets * FRAME);
    for (int i = 0; i < packets; i++) {
      int flow = random.nextInt(flows);
      boolean sent = random.nextBoolean();
      int local = 0x0a4d0001;
      int remote = 0x0a4e0000 + flow;
      b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
      b.put((byte) 0x45).put((byte) 0).putShort((short) (FRAME - 14)).putInt(0).put((byte) 64).put((byte) 17)
          .putShort((short) 0).putInt(sent ? local : remote).putInt(sent ? remote : local);
      b.putShort((short) (sent ? 40000 + flow % 1000 : 53)).putShort((short) (sent ? 53 : 40000 + flow % 1000))
          .putShort((short) (FRAME - 34)).putShort((short) 0);
      b.put(new byte[FRAME - 42]);
    }
    return b.array();
  }

  /** One pass over the buffer: the cost per packet is the score. */
  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public long decodeOrientCount() {
    for (int i = 0; i < PACKETS; i++) {
      if (decoder.decode(frames, (long) i * FRAME, FRAME, FRAME, LinkType.ETHERNET, packet)) {
        accumulator.add(packet, orientation.orient(packet));
      }
    }
    if (accumulator.size() > 60_000) {
      accumulator.clear();
    }
    return accumulator.totalSentBytes();
  }
}
