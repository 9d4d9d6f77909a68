package io.clustertop.benchmarks;

import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.Refusal;
import io.clustertop.collector.merge.Speaker;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.placement.Placer;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.privacy.RemoteMask;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.Flows;
import io.clustertop.core.report.Hello;
import io.clustertop.core.view.CaptureCounters;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The collector's ingest of one agent's batch under {@code --mask-remote} ({@code MergeStore.apply}):
 * {@code flows} conversations with public remotes, the same ones every second as an agent's steady
 * traffic sends them, applied to a store that already holds them. {@code mask=off} is the same
 * path without masking, for comparison. Per operation: the batch's remotes are put back unmasked
 * (apply masks them in place) and the batch applied one second later than the last. With
 * {@code -prof gc}, the bytes allocated per operation divided by {@code flows} is what a delta costs
 * the heap; what is per batch (its arrays, its record) is the same with and without a mask.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class MaskedIngestBenchmark {
  private static final long SECOND = 1_000_000_000L;

  @Param({"off", "prefix", "hash"})
  String mask;

  @Param({"1000"})
  int flows;

  private final long[] clock = {1_700_000_000L * SECOND};
  private MergeStore cluster;
  private Speaker speaker;
  private Flows batchFlows;
  private IpAddress[] remotes;
  private long sequence;

  @Setup
  public void setUp() throws Refusal {
    RemoteMask remoteMask = switch (mask) {
      case "off" -> RemoteMask.OFF;
      case "prefix" -> RemoteMask.prefix(24, 48);
      case "hash" -> RemoteMask.hash("a benchmark's key of 32 bytes...".getBytes());
      default -> throw new IllegalArgumentException("mask off, prefix or hash, not " + mask);
    };
    cluster = new MergeStore(() -> clock[0], IngestLimits.defaults(), new CollectorMetrics(),
        CostConfig.defaults().classifier(), new Placer(null, Placer.DEFAULT_MAX), remoteMask);
    IpAddress local = IpAddress.parse("10.0.0.1");
    AgentIdentity identity = new AgentIdentity("node-1", AgentId.of(ByteBuffer.allocate(16).putInt(1).array()), 1,
        "zone-a", "region-1", Map.of(), List.of(local), "eth0");
    speaker = cluster.hello(new Object(), new Hello(identity, 1, 0), "bench", null).speaker();
    remotes = new IpAddress[flows];
    batchFlows = new Flows(flows);
    for (int r = 0; r < flows; r++) {
      // public addresses in 46.0.0.0/8, about four to a /24 (prefix masking folds some together)
      remotes[r] = IpAddress.v4(0x2E00_0000L | (long) r * 61);
      batchFlows.add(new FlowKey(local, remotes[r], 40_000 + r % 20_000, 443, 6), new Volume(1500, 3, 9000, 7));
    }
    sequence = 0;
    apply(); // the conversations are held from here on
  }

  @Benchmark
  public long apply() throws Refusal {
    for (int r = 0; r < flows; r++) {
      batchFlows.setRemote(r, remotes[r]);
    }
    clock[0] += SECOND;
    sequence++;
    return cluster.apply(speaker, new Batch(sequence, clock[0] - SECOND, clock[0], batchFlows,
        new Volume(1500L * flows, 3L * flows, 9000L * flows, 7L * flows), CaptureCounters.ZERO, null));
  }
}
