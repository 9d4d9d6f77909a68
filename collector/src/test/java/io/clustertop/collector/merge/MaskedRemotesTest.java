package io.clustertop.collector.merge;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.collector.LocalViews;
import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.placement.Placer;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.privacy.RemoteMask;
import io.clustertop.core.report.Flows;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The stand-ins of a batch's remotes under {@code --mask-remote}, remembered per agent: decided once
 * per remote and membership, read back at every later batch; a change of who the nodes are decides
 * them again (a remote that became a node's address is no longer masked).
 */
class MaskedRemotesTest {
  private static final IpAddress LOCAL = IpAddress.parse("10.0.0.1");

  /** The flows of a batch to {@code remotes}, unmasked, as an agent sends them. */
  private static Flows flows(List<IpAddress> remotes) {
    Flows flows = new Flows(remotes.size());
    for (IpAddress r : remotes) {
      flows.add(new FlowKey(LOCAL, r, 40000, 443, 6), new Volume(100, 1, 0, 0));
    }
    return flows;
  }

  /** A stand-in that says what it was asked: the address with its last byte zero. */
  private static IpAddress standIn(IpAddress remote) {
    return IpAddress.v4(remote.low() & 0xFFFF_FF00L);
  }

  @Test
  void eachRemotesStandInIsDecidedOnceAndReadBackAtEveryLaterBatch() {
    List<IpAddress> remotes = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      remotes.add(IpAddress.v4(0xC633_6400L + i)); // 198.51.100.0 + i: past the /24, into the next ones
    }
    MaskedRemotes memory = new MaskedRemotes();
    Map<IpAddress, Integer> asked = new TreeMap<>();
    for (int batch = 0; batch < 5; batch++) {
      Flows flows = flows(remotes);
      memory.mask(flows, 7, r -> {
        asked.merge(r, 1, Integer::sum);
        return standIn(r);
      });
      for (int i = 0; i < remotes.size(); i++) {
        assertEquals(standIn(remotes.get(i)), flows.remote(i), "batch " + batch + ", flow " + i);
        assertEquals(LOCAL, flows.key(i).local());
      }
    }
    assertEquals(300, asked.size());
    assertEquals(List.of(1), asked.values().stream().distinct().toList(), "times a stand-in was decided");

    // Another membership: each is decided again, once.
    Flows flows = flows(remotes);
    memory.mask(flows, 8, r -> {
      asked.merge(r, 1, Integer::sum);
      return standIn(r);
    });
    assertEquals(List.of(2), asked.values().stream().distinct().toList());
  }

  @Test
  void remotesThatKeepChangingAreMaskedExactlyPastTheMemorysBound() {
    MaskedRemotes memory = new MaskedRemotes();
    int[] asked = {0};
    for (int batch = 0; batch < 40; batch++) {
      List<IpAddress> remotes = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        remotes.add(IpAddress.v4(0xC633_6400L + batch * 20 + i)); // 800 remotes in all, 20 a batch
      }
      Flows flows = flows(remotes);
      memory.mask(flows, 1, r -> {
        asked[0]++;
        return standIn(r);
      });
      for (int i = 0; i < remotes.size(); i++) {
        assertEquals(standIn(remotes.get(i)), flows.remote(i));
      }
    }
    assertEquals(800, asked[0]);
  }

  @Test
  void aRemoteThatBecomesANodesAddressIsNoLongerMaskedFromTheNextBatchOn() {
    AtomicLong clock = new AtomicLong(T0 + SECOND);
    MergeStore cluster = new MergeStore(clock::get, IngestLimits.defaults(), new CollectorMetrics(),
        CostConfig.defaults().classifier(), new Placer(null, Placer.DEFAULT_MAX), RemoteMask.prefix(24, 48));
    LocalAgents agents = new LocalAgents(cluster, IngestLimits.defaults(), new CollectorMetrics(), clock::get);
    Object a = new Object();
    Object c = new Object();
    agents.hello(a, hello("a", 1, 1, "10.0.0.1"));
    agents.batch(a, batch(1, T0 + SECOND, flow("10.0.0.1", "198.51.100.77", 1000, 10, 0, 0)));
    clock.set(T0 + 2 * SECOND);
    agents.hello(c, hello("c", 3, 1, "198.51.100.77")); // a node at that public address now
    agents.batch(a, batch(2, T0 + 2 * SECOND, flow("10.0.0.1", "198.51.100.77", 500, 5, 0, 0)));
    clock.set(T0 + 4 * SECOND + SlotClock.GRACE_NANOS);

    ViewSnapshot remotes = LocalViews.view(cluster, WatchRequest.newBuilder().setGrouping(Grouping.REMOTE_ADDRESSES)
        .setNode("a").build(), SlotClock.latestCompleted(clock.get()), CostConfig.defaults().prices());
    Map<String, Long> sent = new TreeMap<>();
    for (Row r : remotes.getRowsList()) {
      sent.put(io.clustertop.proto.FlowWire.toAddress(r.getRight().getAddress()).toString(), r.getSent().getBytes());
    }
    assertEquals(Map.of("198.51.100.0", 1000L, "198.51.100.77", 500L), sent, remotes.toString());
  }
}
