package io.clustertop.benchmarks;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Cost;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.relay.merge.ShardView;
import io.clustertop.relay.merge.ViewMerge;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * The relay's merge of one slot ({@code ViewMerge.merge}): {@code shards} views of K rows each
 * (remote addresses with their cost, half of them talked to from every shard, half from one) made
 * into the view of N = K / 4 rows, the relay's default factor, with its "other", totals, node
 * statuses and exactness. What a relay does per distinct view every 2 s; decoding the shards'
 * messages is in it (they arrive as protobuf), sending the result is not.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RelayMergeBenchmark {
  @Param({"2", "8", "32"})
  int shards;

  @Param({"40", "400", "4000"})
  int k;

  private WatchRequest request;
  private List<ShardView> views;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(14);
    request = WatchRequest.newBuilder().setGrouping(Grouping.REMOTE_ADDRESSES).setLimit(k / 4).build();
    views = new ArrayList<>();
    for (int s = 0; s < shards; s++) {
      List<Row> rows = new ArrayList<>();
      for (int r = 0; r < k; r++) {
        // even rows: a remote every shard talks to; odd rows: this shard's own
        int remote = r % 2 == 0 ? r : 1_000_000 + s * k + r;
        long bytes = 1 + random.nextLong(1L << 30);
        rows.add(new Row(new Endpoint(null, Endpoint.NO_PORT, "node-" + s),
            new Endpoint(IpAddress.v4(0xCB000000 | remote), Endpoint.NO_PORT), -1,
            traffic(bytes, random), traffic(bytes / 3, random), 1 + random.nextInt(50), List.of("node-" + s),
            new Cost(new BigDecimal("0.0" + random.nextInt(1_000_000)), random.nextDouble(), random.nextDouble())));
      }
      Snapshot snapshot = new Snapshot(1_700_000_000_000L, "cluster", rows, rows.get(0),
          new Totals(traffic(1L << 40, random), traffic(1L << 39, random), 1e9), CaptureCounters.ZERO, k * 10,
          List.of(new NodeState("node-" + s, "zone-a", "00".repeat(16), 1, 1, false, false, 0, CaptureCounters.ZERO)),
          "USD", new Cost(BigDecimal.TEN, 1, 1));
      ViewSnapshot view = ViewWire.toProto(snapshot).toBuilder().setCompletedSlots(20).build();
      views.add(ShardView.answering("shard-" + s + ":7447", view));
    }
  }

  private static Traffic traffic(long bytes, SplittableRandom random) {
    double rate = bytes / 40.0;
    return new Traffic(bytes, bytes / 1000, new Rates(rate * random.nextDouble(), rate, rate),
        new Rates(rate / 1000, rate / 1000, rate / 1000), rate * 2);
  }

  @Benchmark
  public ViewSnapshot merge() {
    return ViewMerge.merge(request, k, views, 1_700_000_000_000_000_000L);
  }
}
