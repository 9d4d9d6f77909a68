package io.clustertop.benchmarks;

import com.google.protobuf.ByteString;
import io.clustertop.collector.history.HistoryMetrics;
import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.history.HistoryRecorder;
import io.clustertop.collector.history.HistoryStore;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.Speaker;
import io.clustertop.collector.placement.Placer;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kubernetes.ApiConnection;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.MetadataStore;
import io.clustertop.kubernetes.Owner;
import io.clustertop.kubernetes.PodFacts;
import io.clustertop.proto.FlowWire;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the cost history costs the collector: {@code nodes} agents in three zones, each talking to
 * {@code remotes} remote ends a minute (a tenth of them other nodes, the rest public addresses, a
 * fifth of those new each minute, so conversations accumulate as they do on a real node), for
 * {@code minutes} minutes of simulated time. Each minute every node's batch is applied to an
 * in-process {@link MergeStore}, then the history writes the minute; only the writes are timed (CPU of
 * this thread, which does the derivation, the folding and the SQLite transaction). The file's tables
 * are measured apart: the rollups grow with time, the baselines with the conversations held.
 *
 * <p>With {@code pods} above 0, the collector reads Kubernetes (its metadata store, filled directly:
 * no API server): each node runs that many pods, each its own workload, in ten namespaces, and a
 * node's conversations are spread over its pods' addresses, so the history's namespace and workload
 * rows are as many as a node's pods make them.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.clustertop.benchmarks.HistoryLoad
 * nodes remotes minutes FILE [top-remotes [pods]]} (default top remotes: the collector's; pods 0).
 */
public final class HistoryLoad {
  private static final long SECOND = 1_000_000_000L;

  private HistoryLoad() {}

  public static void main(String[] args) throws Exception {
    int nodes = Integer.parseInt(args[0]);
    int remotes = Integer.parseInt(args[1]);
    int minutes = Integer.parseInt(args[2]);
    Path file = Path.of(args[3]);
    int top = args.length > 4 ? Integer.parseInt(args[4]) : HistoryOptions.DEFAULT_TOP_REMOTES;
    int pods = args.length > 5 ? Integer.parseInt(args[5]) : 0;
    if (pods > 250 || nodes > 250 && pods > 0) {
      throw new IllegalArgumentException("at most 250 pods a node, on at most 250 nodes (their addresses are 10.77.(1 + pod).(node))");
    }
    Files.deleteIfExists(file);
    long[] clock = {1_700_000_000L * SECOND};
    MetadataStore kubernetes = null;
    if (pods > 0) {
      kubernetes = new MetadataStore(MetadataLimits.defaults(), ApiConnection.none());
      for (int n = 0; n < nodes; n++) {
        for (int p = 0; p < pods; p++) {
          kubernetes.pod(new PodFacts("uid-" + n + "-" + p, "namespace-" + p % 10, "pod-" + n + "-" + p, "node-" + n,
              false, List.of(IpAddress.parse("10.77." + (1 + p) + "." + n)), clock[0] - 3600 * SECOND, 0, List.of(),
              new Owner("StatefulSet", "workload-" + p, "uid-workload-" + p)), clock[0] - 3600 * SECOND);
        }
      }
    }
    MergeStore cluster = new MergeStore(() -> clock[0], IngestLimits.defaults().with(remotes * 10, nodes + 1),
        new CollectorMetrics(), CostConfig.defaults().classifier(), new Placer(kubernetes, Placer.DEFAULT_MAX));
    HistoryOptions options = new HistoryOptions(file, Duration.ofDays(30), 1L << 40, top);
    ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
    long flushCpu = 0;
    try (HistoryStore store = HistoryStore.open(file)) {
      HistoryRecorder recorder = new HistoryRecorder(cluster, CostConfig.defaults(), store, options, new HistoryMetrics());
      Speaker[] speakers = new Speaker[nodes];
      for (int n = 0; n < nodes; n++) {
        speakers[n] = cluster.hello(new Object(), FlowWire.fromProto(hello(n)), "bench", null).speaker();
      }
      for (int m = 0; m < minutes; m++) {
        clock[0] += 60 * SECOND;
        for (int n = 0; n < nodes; n++) {
          cluster.apply(speakers[n], FlowWire.fromProto(batch(n, m, remotes, nodes, pods, clock[0])));
        }
        long before = cpu.getCurrentThreadCpuTime();
        recorder.flush(clock[0]);
        flushCpu += cpu.getCurrentThreadCpuTime() - before;
      }
      long size = Files.size(file);
      double perNodeDayCpu = flushCpu / 1e9 / nodes / minutes * 1440;
      long[] rollup = table(file, "rollup");
      long[] baseline = table(file, "baseline");
      System.out.printf("nodes %d, remotes a minute %d, minutes %d, top remotes %d, pods a node %d%n", nodes, remotes,
          minutes, top, pods);
      System.out.printf("history writes: %.1f ms CPU a minute on average (%.3f s in all)%n",
          flushCpu / 1e6 / minutes, flushCpu / 1e9);
      System.out.printf("rollups: %d rows, %d bytes (%.1f a row): per node per day %.2f MB, %.2f s CPU%n",
          rollup[0], rollup[1], (double) rollup[1] / rollup[0], rollup[1] / 1e6 / nodes / minutes * 1440, perNodeDayCpu);
      System.out.printf("baselines: %d rows, %d bytes (%.1f a row; one per conversation a node holds, per dimension)%n",
          baseline[0], baseline[1], (double) baseline[1] / baseline[0]);
      System.out.printf("file after %d minutes: %d bytes%n", minutes, size);
    }
  }

  /** Rows and bytes (pages) of one table, from SQLite's dbstat. */
  private static long[] table(Path file, String name) throws java.sql.SQLException {
    try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        java.sql.Statement s = db.createStatement()) {
      long rows;
      try (java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FROM " + name)) {
        r.next();
        rows = r.getLong(1);
      }
      try (java.sql.ResultSet r = s.executeQuery("SELECT SUM(pgsize) FROM dbstat WHERE name = '" + name + "'")) {
        r.next();
        return new long[] {rows, r.getLong(1)};
      }
    }
  }

  private static Hello hello(int n) {
    return Hello.newBuilder().setIdentity(AgentIdentity.newBuilder().setNode("node-" + n)
        .setAgentId(ByteString.copyFrom(ByteBuffer.allocate(16).putInt(n + 1).array()))
        .setEpoch(1).setZone("zone-" + (n % 3)).setRegion("region-1")
        .addAddresses(ByteString.copyFrom(nodeAddress(n)))).setOldestHeldSequence(1).build();
  }

  private static byte[] nodeAddress(int n) {
    return new byte[] {10, 77, (byte) (n >> 8), (byte) n};
  }

  private static byte[] podAddress(int n, int p) {
    return new byte[] {10, 77, (byte) (1 + p), (byte) n};
  }

  /**
   * Minute {@code m} of node {@code n}: a tenth of the remotes are nodes; a fifth of the rest are new
   * each minute; the local ends the node's own address, or with {@code pods}, its pods' in turn.
   */
  private static DeltaBatch batch(int n, int m, int remotes, int nodes, int pods, long end) {
    DeltaBatch.Builder b = DeltaBatch.newBuilder().setSequence(m + 1L).setStartUnixNanos(end - SECOND).setEndUnixNanos(end);
    long sentSum = 0;
    long receivedSum = 0;
    for (int r = 0; r < remotes; r++) {
      byte[] remote;
      if (r < remotes / 10) {
        remote = nodeAddress((n + 1 + r) % nodes);
      } else {
        int stable = remotes * 4 / 5;
        int index = r < stable ? r : stable + m * (remotes - stable) + r; // the churning fifth
        remote = new byte[] {(byte) (100 + index / 65536 % 100), (byte) (index / 256), (byte) index, (byte) (n + 1)};
      }
      long sent = 1000L + r * 7L;
      long received = 500L + r * 3L;
      sentSum += sent;
      receivedSum += received;
      b.addFlows(FlowDelta.newBuilder()
          .setKey(FlowKey.newBuilder()
              .setLocalAddress(ByteString.copyFrom(pods == 0 ? nodeAddress(n) : podAddress(n, r % pods)))
              .setRemoteAddress(ByteString.copyFrom(remote)).setLocalPort(40000 + r % 1000)
              .setRemotePort(r % 4 == 0 ? 443 : 8000 + r % 50).setProtocol(6))
          .setVolume(volume(sent, received)));
    }
    return b.setTotal(volume(sentSum, receivedSum)).build();
  }

  private static VolumePair volume(long sent, long received) {
    return VolumePair.newBuilder().setSent(Volume.newBuilder().setBytes(sent).setPackets(1))
        .setReceived(Volume.newBuilder().setBytes(received).setPackets(1)).build();
  }
}
