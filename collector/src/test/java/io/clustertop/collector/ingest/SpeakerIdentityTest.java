package io.clustertop.collector.ingest;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.auth.CertificateNames;
import io.clustertop.auth.ClaimCheck;
import io.clustertop.auth.PeerIdentity;
import io.clustertop.auth.Role;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Network;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Whose streams the ingest session takes for an agent id, with identities as mutual TLS gives them
 * (a certificate's names, without the handshake: the launcher's TlsTest has the real one): a node's
 * certificate may open a newer stream that takes over its own agent from an older (a connection
 * half dead), and a certificate shared by all nodes holds each agent id as the node it first spoke
 * for.
 */
class SpeakerIdentityTest {
  private static final String A = "10.0.0.1";
  private static final String X = "192.0.2.9";

  private final AtomicLong clock = new AtomicLong(T0 + SECOND);
  private final CollectorMetrics metrics = new CollectorMetrics();
  private final MergeStore cluster = new MergeStore(clock::get, IngestLimits.defaults(), metrics,
      CostConfig.defaults().classifier());
  private final LocalAgents agents = new LocalAgents(cluster, IngestLimits.defaults(), metrics, clock::get,
      new ClaimCheck(List.of(Network.parse("10.0.0.0/24"))));

  private static PeerIdentity certificate(String node, String commonName, String... addresses) {
    Set<Role> roles = Set.of(Role.AGENT);
    return new PeerIdentity(new CertificateNames(node, commonName, List.of(), List.of(), List.of(),
        List.of(addresses).stream().map(IpAddress::parse).toList(), roles), roles);
  }

  private long sent(String node) {
    return cluster.read(c -> {
      long[] bytes = {0};
      c.forEachAgent(a -> {
        if (a.node().equals(node)) {
          bytes[0] += a.currentEpoch().conversations()
              .aggregate(io.clustertop.core.table.ConversationStore.TOTALS).sentBytes();
        }
      });
      return bytes[0];
    });
  }

  @Test
  void aNodesCertificateTakesOverItsOwnAgentFromAnOlderStream() {
    PeerIdentity a = certificate("a", "a", A);
    Object older = new Object();
    Object newer = new Object();
    agents.hello(older, hello("a", 1, 1, A), a);
    agents.batch(older, batch(1, T0 + SECOND, flow(A, X, 100, 1, 0, 0)));

    agents.hello(newer, hello("a", 1, 1, A).toBuilder().setNewestSequence(1).build(), a);
    IllegalStateException superseded = assertThrows(IllegalStateException.class,
        () -> agents.batch(older, batch(2, T0 + SECOND, flow(A, X, 5, 1, 0, 0))));

    assertEquals("refused: Status{code=ABORTED, description=a newer stream of this agent took over, cause=null}",
        superseded.getMessage());
    assertEquals(2, agents.batch(newer, batch(2, T0 + SECOND, flow(A, X, 20, 1, 0, 0))).getAppliedThrough());
    assertEquals(120, sent("a"));
    assertEquals(1, metrics.rejectedCount(InputProblem.SUPERSEDED));
  }

  @Test
  void aDroppedAgentsIdStaysItsNodesSoNoOtherFullStateReplacesItsDepartedFigures() {
    Object stream = new Object();
    agents.hello(stream, hello("a", 1, 1, A), certificate("a", "a", A));
    agents.batch(stream, batch(1, T0 + SECOND, flow(A, X, 100, 1, 0, 0)));
    agents.disconnect(stream);
    clock.set(T0 + 11 * 60 * SECOND);
    cluster.expire(); // gone for 10 minutes: dropped, its 100 bytes departed figures

    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> agents.hello(new Object(), hello("b", 1, 1, "10.0.0.2"), certificate("b", "b", "10.0.0.2")));

    assertEquals("refused: Status{code=PERMISSION_DENIED, description=agent 01010101010101010101010101010101 belongs"
        + " to node a, not to node b, cause=null}", other.getMessage());
    assertEquals(100, cluster.departed().node().sentBytes());
    assertEquals(0, cluster.agentCount());
    // its own certificate brings it back in the same epoch (batch 1 acknowledged, nothing held): the
    // full state it is asked for replaces them
    assertEquals(true, agents.hello(new Object(), hello("a", 1, 1, A).toBuilder().setOldestHeldSequence(2)
        .setNewestSequence(1).build(),
        certificate("a", "a", A)).getSendFullState());
    assertEquals(0, cluster.departed().node().sentBytes());
  }

  @Test
  void twoNodesMayAnnounceTheSameLinkLocalAddressButNotTheSameOtherOne() {
    String calico = "fe80::ecee:eeff:feee:eeee"; // on every pod interface of every Calico node
    agents.hello(new Object(), hello("a", 1, 1, A, "10.0.0.9", calico), certificate("a", "a", A, "10.0.0.9"));
    agents.hello(new Object(), hello("b", 2, 1, "10.0.0.2", calico), certificate("b", "b", "10.0.0.2", "10.0.0.9"));

    IllegalStateException taken = assertThrows(IllegalStateException.class, () -> agents.hello(new Object(),
        hello("b", 3, 1, "10.0.0.9"), certificate("b", "b", "10.0.0.2", "10.0.0.9")));

    assertEquals("refused: Status{code=PERMISSION_DENIED, description=node b may not announce 10.0.0.9 (node a): another"
        + " connected node announces it, cause=null}", taken.getMessage());
    assertEquals(2, cluster.connectedAgents());
  }

  @Test
  void aCertificateForAnyNodeHoldsEachAgentIdAsTheNodeItFirstSpokeFor() {
    PeerIdentity shared = certificate(CertificateNames.ANY_NODE, "daemonset");
    Object first = new Object();
    agents.hello(first, hello("a", 1, 1, A), shared);
    agents.batch(first, batch(1, T0 + SECOND, flow(A, X, 100, 1, 0, 0)));
    agents.disconnect(first);

    IllegalStateException other = assertThrows(IllegalStateException.class,
        () -> agents.hello(new Object(), hello("b", 1, 2), shared));

    assertEquals("refused: Status{code=PERMISSION_DENIED, description=agent 01010101010101010101010101010101 belongs"
        + " to any node (CN=daemonset) as node a, not to any node (CN=daemonset) as node b, cause=null}", other.getMessage());
    assertEquals(1, metrics.rejectedCount(InputProblem.IDENTITY));
    assertEquals(100, sent("a"));
    // as node a it may come back, in a new epoch, from anywhere in the cluster networks
    Object again = new Object();
    assertEquals(0, agents.hello(again, hello("a", 1, 2, A), shared).getAppliedThrough());
    agents.batch(again, batch(1, T0 + SECOND, flow(A, X, 7, 1, 0, 0)));
    assertEquals(7, sent("a"), "the new epoch's own");
  }
}
