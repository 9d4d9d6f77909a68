package io.clustertop.collector.merge;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.collector.LocalViews;
import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.placement.Placer;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.privacy.RemoteMask;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.window.SlotClock;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.kubernetes.MetadataStatus;
import io.clustertop.kubernetes.PodRef;
import io.clustertop.kubernetes.ServiceRef;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.WatchRequest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * One placement rule for a conversation, whichever message brought it: under {@code --mask-remote}
 * it is placed by its key as kept (the remote's stand-in), from a full state as from a batch. The
 * case where that shows: a Service at a public address (a load balancer's), which the stand-in is not.
 *
 * <pre>
 *   a 10.0.0.1 --1000 B, port 443 (in the full state)--> 198.51.100.77, Service shop/web's address
 *   a          --300 B, port 8443 (in the next batch)---> 198.51.100.77
 * </pre>
 */
class MaskedPlacementTest {
  private static final String A = "10.0.0.1";
  private static final IpAddress SERVICE = IpAddress.parse("198.51.100.77");

  /** Kubernetes as far as this test needs it: one Service at a public address, no pods. */
  private static final class OneService implements ClusterMetadata {
    @Override
    public PodRef podAt(IpAddress address, long unixNanos) {
      return null;
    }

    @Override
    public ServiceRef serviceAt(IpAddress address, long unixNanos) {
      return address.equals(SERVICE) ? new ServiceRef("shop", "web", "uid-web") : null;
    }

    @Override
    public PodRef podOfContainer(String containerId) {
      return null;
    }

    @Override
    public NodePlace node(String nodeName) {
      return NodePlace.UNKNOWN;
    }

    @Override
    public MetadataStatus status() {
      throw new UnsupportedOperationException("not asked here");
    }
  }

  @Test
  void aConversationFromAFullStateIsPlacedByTheKeyAsKeptAsOneFromABatchIs() {
    AtomicLong clock = new AtomicLong(T0 + SECOND);
    MergeStore cluster = new MergeStore(clock::get, IngestLimits.defaults(), new CollectorMetrics(),
        CostConfig.defaults().classifier(), new Placer(new OneService(), Placer.DEFAULT_MAX), RemoteMask.prefix(24, 48));
    LocalAgents agents = new LocalAgents(cluster, IngestLimits.defaults(), new CollectorMetrics(), clock::get);
    Object a = new Object();
    agents.hello(a, hello("a", 1, 1, A));
    FlowDelta stated = flow(A, SERVICE.toString(), 1000, 10, 0, 0);
    agents.fullState(a, FullState.newBuilder().setSequence(1).setFirstSlotStartUnixNanos(T0)
        .addFlows(FlowState.newBuilder().setKey(stated.getKey()).setCumulative(stated.getVolume())
            .addSlots(stated.getVolume()))
        .setTotal(volume(1000, 10, 0, 0)).addTotalSlots(volume(1000, 10, 0, 0)).build());
    FlowDelta sent = flow(A, SERVICE.toString(), 300, 3, 0, 0);
    sent = sent.toBuilder().setKey(sent.getKey().toBuilder().setRemotePort(8443)).build();
    clock.set(T0 + 2 * SECOND);
    agents.batch(a, batch(2, T0 + 2 * SECOND, sent));
    clock.set(T0 + 4 * SECOND + SlotClock.GRACE_NANOS);

    Snapshot services = ViewWire.fromProto(LocalViews.view(cluster, WatchRequest.newBuilder()
        .setGrouping(Grouping.SERVICES).setLimit(10).build(), SlotClock.latestCompleted(clock.get()),
        CostConfig.defaults().prices()));
    Map<String, Long> sentBy = new TreeMap<>();
    for (Row r : services.rows()) {
      sentBy.merge(r.left().owner(), r.sent().bytes(), Long::sum);
    }
    assertEquals(Map.of("(no service)", 1300L), sentBy, services.toString());
  }
}
