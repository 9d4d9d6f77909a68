package io.clustertop.agent.capture;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkDirection;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.packet.PacketDecoder;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The live capture thread's whole per-packet path on the ring: {@link PacketRing} walking
 * TPACKET_V3 blocks laid out as the kernel lays them out (64-byte-payload UDP frames, as
 * bench/live.sh floods, at the snap length's spacing), each packet decoded, oriented and counted as
 * the monitor does, each block handed back. {@code PacketPathBenchmark} is the same without the
 * ring. In this package (in the benchmarks' jar) to reach the package-private ring. Run with
 * {@code -prof gc}: no allocation per packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class RingWalkBenchmark {
  private static final int BLOCK = RingCapture.BLOCK_BYTES;
  private static final int BLOCKS = 4;
  private static final int FRAME = 14 + 20 + 8 + 64;
  private static final int MAC_OFFSET = 80;
  private static final int SPACING = (MAC_OFFSET + FRAME + 15) & ~15;
  private static final int PER_BLOCK = (BLOCK - PacketRing.BLOCK_HEADER) / SPACING;

  @Param({"100", "10000"})
  int flows;

  private Arena arena;
  private MemorySegment memory;
  private PacketRing ring;
  private final PacketDecoder decoder = new PacketDecoder(0x020000000002L);
  private Orientation orientation;
  private FlowAccumulator accumulator;
  private final DecodedPacket packet = new DecodedPacket();
  private final PacketHandler monitor = new PacketHandler() {
    @Override
    public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
        long timestampNanos) {
      packet(segment, offset, capturedLength, wireLength, link, timestampNanos, LinkDirection.UNKNOWN);
    }

    @Override
    public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
        long timestampNanos, int linkDirection) {
      if (decoder.decode(segment, offset, capturedLength, wireLength, link, linkDirection, packet)) {
        accumulator.add(packet, orientation.orient(packet));
      }
    }
  };

  @Setup
  public void setUp() {
    arena = Arena.ofShared();
    memory = arena.allocate((long) BLOCK * BLOCKS, 4096);
    Random random = new Random(1);
    for (int b = 0; b < BLOCKS; b++) {
      long block = (long) b * BLOCK;
      long at = block + PacketRing.BLOCK_HEADER;
      for (int i = 0; i < PER_BLOCK; i++, at += SPACING) {
        int flow = random.nextInt(flows);
        memory.set(ValueLayout.JAVA_INT, at, SPACING); // tp_next_offset
        memory.set(ValueLayout.JAVA_INT, at + 4, 1_700_000_000 + i);
        memory.set(ValueLayout.JAVA_INT, at + 12, FRAME); // tp_snaplen
        memory.set(ValueLayout.JAVA_INT, at + 16, FRAME); // tp_len
        memory.set(ValueLayout.JAVA_SHORT, at + 24, (short) MAC_OFFSET);
        memory.set(ValueLayout.JAVA_BYTE, at + PacketRing.PACKET_HEADER + 10, (byte) 0); // to us
        long f = at + MAC_OFFSET;
        byte[] frame = udpFrame(0x0a4e0000 + flow, 0x0a4d0001, 40000 + flow % 1000);
        MemorySegment.copy(MemorySegment.ofArray(frame), 0, memory, f, frame.length);
      }
      memory.set(ValueLayout.JAVA_INT, block + 12, PER_BLOCK);
      memory.set(ValueLayout.JAVA_INT, block + 16, PacketRing.BLOCK_HEADER);
    }
    ring = new PacketRing(memory, BLOCK, BLOCKS, LinkType.ETHERNET, false);
    orientation = new Orientation(List.of(IpAddress.parse("10.77.0.1")), null, null, false);
    accumulator = new FlowAccumulator(65_536);
  }

  private static byte[] udpFrame(int source, int destination, int sourcePort) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(FRAME);
    b.put(new byte[] {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1}).putShort((short) 0x0800);
    b.put((byte) 0x45).put((byte) 0).putShort((short) (FRAME - 14)).putInt(0).put((byte) 64).put((byte) 17)
        .putShort((short) 0).putInt(source).putInt(destination);
    b.putShort((short) sourcePort).putShort((short) 9).putShort((short) (FRAME - 34)).putShort((short) 0);
    return b.array();
  }

  @TearDown
  public void tearDown() {
    arena.close();
  }

  /** The kernel's side: every block filled and retired again (four stores, not timed per packet). */
  @Setup(Level.Invocation)
  public void retire() {
    for (int b = 0; b < BLOCKS; b++) {
      memory.set(ValueLayout.JAVA_INT, (long) b * BLOCK + 8, PacketRing.TP_STATUS_USER);
    }
  }

  /** One pass over the ring: the cost per packet is the score. */
  @Benchmark
  @OperationsPerInvocation(BLOCKS * PER_BLOCK)
  public long walkDecodeCount() throws CaptureException {
    for (int b = 0; b < BLOCKS; b++) {
      ring.readBlock(monitor);
    }
    if (accumulator.size() > 60_000) {
      accumulator.clear();
    }
    return accumulator.totalReceivedBytes();
  }
}
