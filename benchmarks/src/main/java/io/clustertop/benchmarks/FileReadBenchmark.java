package io.clustertop.benchmarks;

import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.capture.PacketHandler;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkType;
import io.clustertop.core.packet.PacketDecoder;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code clustertop -r}'s per-packet path: {@link CaptureFile} walking a pcap file's records (held
 * in memory, read as a mapped file is) and each packet decoded, oriented and counted as the
 * monitor does. {@code PacketPathBenchmark}'s frames, in a little-endian microsecond pcap (the
 * byte order that is swapped after each read here). Run with {@code -prof gc}: no allocation per
 * packet.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class FileReadBenchmark {
  private static final int PACKETS = 4096;
  private static final int FRAME = PacketPathBenchmark.FRAME;

  @Param({"100", "10000"})
  int flows;

  private CaptureFile file;
  private final PacketDecoder decoder = new PacketDecoder();
  private final Orientation orientation = new Orientation(List.of(IpAddress.parse("10.77.0.1")), null, null, false);
  private final FlowAccumulator accumulator = new FlowAccumulator(65_536);
  private final DecodedPacket packet = new DecodedPacket();
  private final PacketHandler count = new PacketHandler() {
    @Override
    public void packet(MemorySegment segment, long offset, int capturedLength, int wireLength, LinkType link,
        long timestampNanos) {
      if (decoder.decode(segment, offset, capturedLength, wireLength, link, packet)) {
        accumulator.add(packet, orientation.orient(packet));
      }
    }
  };

  @Setup
  public void setUp() {
    byte[] frames = PacketPathBenchmark.udpFrames(PACKETS, flows);
    ByteBuffer pcap = ByteBuffer.allocate(24 + PACKETS * (16 + FRAME)).order(ByteOrder.LITTLE_ENDIAN);
    pcap.putInt(0xA1B2C3D4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0).putInt(65_535).putInt(1);
    for (int i = 0; i < PACKETS; i++) {
      pcap.putInt(1_700_000_000 + i / 1000).putInt(i % 1000 * 1000).putInt(FRAME).putInt(FRAME);
      pcap.put(frames, i * FRAME, FRAME);
    }
    file = CaptureFile.of("bench.pcap", pcap.array());
  }

  @TearDown
  public void tearDown() {
    file.close();
  }

  /** One pass over the file: the cost per packet is the score. */
  @Benchmark
  @OperationsPerInvocation(PACKETS)
  public long readDecodeOrientCount() throws CaptureException {
    file.run(count);
    if (accumulator.size() > 60_000) {
      accumulator.clear();
    }
    return accumulator.totalSentBytes();
  }
}
