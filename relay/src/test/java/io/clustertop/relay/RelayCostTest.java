package io.clustertop.relay;

import static io.clustertop.relay.Shards.SECOND;
import static io.clustertop.relay.Shards.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.CollectorServer;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kubernetes.ApiConnection;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.MetadataStore;
import io.clustertop.kubernetes.Owner;
import io.clustertop.kubernetes.PodFacts;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.CostRequest;
import io.clustertop.proto.v1.HistoryGrpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code History.Cost} through the relay: each shard writes the history of its own nodes; the relay's
 * report is, exactly, the report of one collector that held every node, for every grouping, by
 * namespace and workload too (the collectors read the same Kubernetes facts; a workload's pods on
 * nodes of both shards). A shard that does not answer fails the report, named.
 */
class RelayCostTest {
  @TempDir
  Path dir;

  @Test
  void theRelaysCostReportIsOneCollectorsExactly() throws Exception {
    try (Shards shards = new Shards()) {
      // the StatefulSet etl/batch has a pod on n1 (shard a) and one on n3 (shard b)
      MetadataStore kubernetes = new MetadataStore(MetadataLimits.defaults(), ApiConnection.none());
      Owner batch = new Owner("StatefulSet", "batch", "uid-sts-batch");
      kubernetes.pod(new PodFacts("uid-batch-0", "etl", "batch-0", "n1", false, List.of(IpAddress.parse("10.77.5.5")),
          T0 - 100 * SECOND, 0, List.of(), batch), T0 - 100 * SECOND);
      kubernetes.pod(new PodFacts("uid-batch-1", "etl", "batch-1", "n3", false, List.of(IpAddress.parse("10.77.7.5")),
          T0 - 100 * SECOND, 0, List.of(), batch), T0 - 100 * SECOND);
      CollectorServer a = shards.collector(0, dir.resolve("a.db"), kubernetes);
      CollectorServer b = shards.collector(0, dir.resolve("b.db"), kubernetes);
      CollectorServer single = shards.collector(0, dir.resolve("single.db"), kubernetes);
      Shards.Agent n1 = shards.agent("n1", 1, "10.77.0.1", a, single);
      Shards.Agent n2 = shards.agent("n2", 2, "10.77.0.2", a, single);
      Shards.Agent n3 = shards.agent("n3", 3, "10.77.0.3", b, single);
      for (int s = 1; s <= 4; s++) {
        long end = T0 + s * SECOND;
        n1.batch(end, n1.flow("203.0.113.7", 40002, 443, 1_100_000L * s, 52_000), n1.flow("10.77.0.2", 40001, 5432, 7_000, 3_000));
        n2.batch(end, n2.flow("203.0.113.9", 40003, 53, 900_000, 4_000L * s), n2.flow("10.77.0.1", 5432, 40001, 3_000, 7_000));
        n3.batch(end, n3.flow("203.0.113.7", 40004, 443, 2_300_000, 81_000L * s),
            n3.flow("10.77.7.5", "203.0.113.7", 40005, 443, 500_000, 0));
        n1.batch(end, n1.flow("10.77.5.5", "203.0.113.9", 40006, 443, 700_000, 20_000));
      }
      shards.clock.set(T0 + 5 * SECOND);
      for (CollectorServer c : List.of(a, b, single)) {
        c.flushHistory(T0 + 5 * SECOND);
      }
      RelayServer relay = new RelayServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
          new RelayOptions(List.of(Shards.address(a), Shards.address(b)), 4, RelayOptions.DEFAULT_LATE_NANOS),
          InsecureChannelCredentials.create()).start();
      ManagedChannel toRelay = NettyChannelBuilder.forAddress("127.0.0.1", relay.port()).usePlaintext().build();
      ManagedChannel toSingle = NettyChannelBuilder.forAddress("127.0.0.1", single.port()).usePlaintext().build();
      try {
        CostLine total = null;
        for (CostGrouping by : List.of(CostGrouping.BY_NODE, CostGrouping.BY_CLASS, CostGrouping.BY_REMOTE,
            CostGrouping.BY_SERVICE, CostGrouping.BY_NAMESPACE, CostGrouping.BY_WORKLOAD)) {
          CostRequest request = CostRequest.newBuilder().setBy(by).build();
          CostReport truth = HistoryGrpc.newBlockingStub(toSingle).cost(request);
          CostReport merged = HistoryGrpc.newBlockingStub(toRelay).cost(request);
          assertTrue(new BigDecimal(truth.getTotal().getCost()).signum() > 0, by + ": something is charged");
          assertEquals(truth, merged, by.toString());
          assertEquals(total == null ? merged.getTotal() : total, merged.getTotal(), by + ": the same total");
          total = merged.getTotal();
        }
        // by hand: the pods' 4 s of egress to the internet, both shards' added up, at 0.09 a GB; what
        // else the nodes sent, the host's (n1 and n2 talk on their own addresses; n2's 3,000 B a second
        // to n1 and n1's 7,000 to n2, between nodes in one zone, at no price)
        CostReport byWorkload = HistoryGrpc.newBlockingStub(toRelay).cost(
            CostRequest.newBuilder().setBy(CostGrouping.BY_WORKLOAD).build());
        assertEquals(List.of("(host) 23800000/1058000/40000 0.002142",
            "etl/StatefulSet/batch 4800000/80000/0 0.000432"), byWorkload.getLinesList().stream()
            .map(l -> l.getKey() + " " + l.getEgressBytes() + "/" + l.getIngressBytes() + "/" + l.getInternalBytes()
                + " " + l.getCost()).toList());
        a.stop();
        StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
            () -> HistoryGrpc.newBlockingStub(toRelay).cost(CostRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
        assertTrue(e.getStatus().getDescription().contains("shard " + "127.0.0.1:"), e.getStatus().getDescription());
      } finally {
        toRelay.shutdownNow();
        toSingle.shutdownNow();
        relay.stop();
      }
    }
  }
}
