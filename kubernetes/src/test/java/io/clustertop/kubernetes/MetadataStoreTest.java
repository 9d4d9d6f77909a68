package io.clustertop.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The store's rules, without an API server: who held an address when, owners, bounds, retention. */
class MetadataStoreTest {
  private static final long S = 1_000_000_000L;
  /** A time in the test's past, in whole seconds as the API writes them: 2026-01-01T00:00:00Z. */
  private static final long T0 = 1_767_225_600L * S;
  private static final IpAddress IP = IpAddress.parse("10.77.5.5");
  private static final Duration RETENTION = Duration.ofMinutes(15);

  private final MetadataStore store = new MetadataStore(
      new MetadataLimits(100, 8, 100, RETENTION), ApiConnection.none());

  private static PodFacts running(String uid, String name, IpAddress ip, long since, Owner controller) {
    return new PodFacts(uid, "shop", name, "n1", false, List.of(ip), since, 0, List.of("c-" + uid), controller);
  }

  private static PodFacts ended(PodFacts f, long endedAt) {
    return new PodFacts(f.uid(), f.namespace(), f.name(), f.node(), f.hostNetwork(), f.addresses(), f.holdsSince(),
        endedAt, f.containerIds(), f.controller());
  }

  @Test
  void aReusedAddressBelongsToWhoHeldItAtTheTime() {
    store.pod(running("a", "pod-a", IP, T0, null), T0 + S);
    store.podDeleted("a", T0 + 10 * S);                      // A lets 10.77.5.5 go at t1 = T0+10s
    store.pod(running("b", "pod-b", IP, T0 + 12 * S, null), T0 + 13 * S); // B holds it from t2 = T0+12s

    assertNull(store.podAt(IP, T0 - 1));
    assertEquals("pod-a", store.podAt(IP, T0).name());
    assertEquals("pod-a", store.podAt(IP, T0 + 10 * S - 1).name());
    assertNull(store.podAt(IP, T0 + 10 * S));                // between t1 and t2 nobody held it
    assertNull(store.podAt(IP, T0 + 12 * S - 1));
    assertEquals("pod-b", store.podAt(IP, T0 + 12 * S).name());
    assertEquals("pod-b", store.podAt(IP, T0 + 3600 * S).name());
  }

  @Test
  void aNewerHolderEndsTheOlderOneWhateverTheOrderOfEvents() {
    // B is seen holding the address before A's deletion is seen (the kubelet freed it first)
    store.pod(running("a", "pod-a", IP, T0, null), T0 + S);
    store.pod(running("b", "pod-b", IP, T0 + 20 * S, null), T0 + 21 * S);
    store.podDeleted("a", T0 + 25 * S);
    assertEquals("pod-a", store.podAt(IP, T0 + 20 * S - 1).name());
    assertEquals("pod-b", store.podAt(IP, T0 + 20 * S).name());
    assertEquals("pod-b", store.podAt(IP, T0 + 24 * S).name());

    // and a list that shows the newer pod before the older one gives the same answers
    MetadataStore listed = new MetadataStore(new MetadataLimits(100, 8, 100, RETENTION), ApiConnection.none());
    listed.pod(running("b", "pod-b", IP, T0 + 20 * S, null), T0 + 30 * S);
    listed.pod(running("a", "pod-a", IP, T0, null), T0 + 30 * S);
    assertEquals("pod-a", listed.podAt(IP, T0 + 19 * S).name());
    assertEquals("pod-b", listed.podAt(IP, T0 + 20 * S).name());
  }

  @Test
  void aFinishedPodLetsItsAddressGoWhenItsContainersFinished() {
    PodFacts job = running("j", "job-pod", IP, T0, null);
    store.pod(job, T0 + S);
    store.pod(ended(job, T0 + 30 * S), T0 + 31 * S);          // Succeeded; podIP stays in its status
    store.pod(ended(job, T0 + 30 * S), T0 + 40 * S);          // later updates of the finished pod change nothing
    assertEquals("job-pod", store.podAt(IP, T0 + 30 * S - 1).name());
    assertNull(store.podAt(IP, T0 + 30 * S));
    store.pod(running("n", "next", IP, T0 + 35 * S, null), T0 + 36 * S);
    assertEquals("next", store.podAt(IP, T0 + 35 * S).name());
    assertEquals("job-pod", store.podAt(IP, T0 + 29 * S).name());
  }

  @Test
  void aPodFirstSeenLongAfterItFinishedIsNotTracked() {
    long now = T0 + 3600 * S;
    store.pod(ended(running("old", "old-job-pod", IP, T0, null), T0 + 60 * S), now);
    assertNull(store.podAt(IP, T0 + 30 * S));
    assertEquals(0, store.status().podAddresses());
    assertEquals(1, store.status().pods());                  // the pod is known, its address is not kept
  }

  @Test
  void endedHoldersAndContainersAreForgottenAfterTheRetention() {
    store.pod(running("a", "pod-a", IP, T0, null), T0);
    store.podDeleted("a", T0 + 10 * S);
    store.forgetOld(T0 + 10 * S + RETENTION.toNanos());      // exactly the retention: still kept
    assertEquals("pod-a", store.podAt(IP, T0 + 5 * S).name());
    assertEquals("pod-a", store.podOfContainer("c-a").name());
    store.forgetOld(T0 + 10 * S + RETENTION.toNanos() + 1);
    assertNull(store.podAt(IP, T0 + 5 * S));
    assertNull(store.podOfContainer("c-a"));
    assertEquals(0, store.status().podAddresses());
    assertEquals(0, store.status().containers());
  }

  @Test
  void boundsAreKeptAndCounted() {
    MetadataStore small = new MetadataStore(new MetadataLimits(2, 3, 2, RETENTION), ApiConnection.none());
    for (int i = 0; i < 5; i++) { // five pods in turn on one address: three spans kept
      small.pod(running("p" + i, "p" + i, IP, T0 + i * 10 * S, null), T0 + i * 10 * S);
      small.podDeleted("p" + i, T0 + i * 10 * S + 5 * S);
    }
    assertEquals(2, small.status().spansDropped());
    assertNull(small.podAt(IP, T0 + 15 * S));                // p1's span was dropped
    assertEquals("p2", small.podAt(IP, T0 + 20 * S).name());
    small.pod(running("x", "x", IpAddress.parse("10.77.5.6"), T0, null), T0);
    small.pod(running("y", "y", IpAddress.parse("10.77.5.7"), T0, null), T0);
    assertEquals(1, small.status().addressesRefused());      // the table held two addresses already
    assertNull(small.podAt(IpAddress.parse("10.77.5.7"), T0));
    assertEquals(2, small.status().containers());
    assertEquals(5, small.status().containersRefused());     // p2..p4, x, y: each past the bound of 2
  }

  @Test
  void hostNetworkPodsAreFoundByContainerNotAddress() {
    IpAddress node = IpAddress.parse("10.77.0.1");
    store.pod(new PodFacts("h", "kube-system", "proxy-n1", "n1", true, List.of(node), T0, 0,
        List.of("4f1c", "9a2b"), new Owner("DaemonSet", "proxy", "ds-uid")), T0);
    assertNull(store.podAt(node, T0 + S));
    assertEquals("proxy-n1", store.podOfContainer("9a2b").name());
    assertEquals("proxy-n1", store.podOfContainer("containerd://4f1c").name());
    assertEquals(new Workload("DaemonSet", "kube-system", "proxy"), store.podOfContainer("4f1c").workload());
    assertTrue(store.podOfContainer("4f1c").hostNetwork());
  }

  @Test
  void workloadsFollowTheChainOfControllers() {
    store.pod(running("p", "web-7d9f-x2", IP, T0, new Owner("ReplicaSet", "web-7d9f", "rs-uid")), T0);
    assertEquals(new Workload("ReplicaSet", "shop", "web-7d9f"), store.podAt(IP, T0).workload()); // RS not seen yet
    store.owner(new OwnerFacts("rs-uid", "ReplicaSet", "shop", "web-7d9f", new Owner("Deployment", "web", "d-uid")));
    PodRef pod = store.podAt(IP, T0);
    assertEquals(new Workload("Deployment", "shop", "web"), pod.workload());
    assertSame(pod, store.podOfContainer("c-p"));              // one instance for every lookup
    assertSame(pod, store.podAt(IP, T0 + S));

    IpAddress jobIp = IpAddress.parse("10.77.5.9");
    store.owner(new OwnerFacts("job-uid", "Job", "shop", "report-2901", new Owner("CronJob", "report", "cj-uid")));
    store.pod(running("q", "report-2901-abc", jobIp, T0, new Owner("Job", "report-2901", "job-uid")), T0);
    assertEquals(new Workload("CronJob", "shop", "report"), store.podAt(jobIp, T0).workload());

    IpAddress bare = IpAddress.parse("10.77.5.10");
    store.pod(running("r", "debug", bare, T0, null), T0);
    assertEquals(new Workload("Pod", "shop", "debug"), store.podAt(bare, T0).workload());
  }

  @Test
  void servicesByAddressAndTime() {
    IpAddress vip = IpAddress.parse("10.77.200.10");
    store.service(new ServiceFacts("s1", "shop", "web", List.of(vip), T0), T0);
    store.serviceDeleted("s1", T0 + 100 * S);
    store.service(new ServiceFacts("s2", "shop", "web-new", List.of(vip), T0 + 200 * S), T0 + 200 * S);
    store.service(new ServiceFacts("s3", "shop", "headless", List.of(), T0), T0);
    assertEquals(new ServiceRef("shop", "web", "s1"), store.serviceAt(vip, T0 + 50 * S));
    assertNull(store.serviceAt(vip, T0 + 150 * S));
    assertEquals(new ServiceRef("shop", "web-new", "s2"), store.serviceAt(vip, T0 + 250 * S));
    assertEquals(1, store.status().serviceAddresses());
  }

  @Test
  void nodesZonesAndTheirRetention() {
    store.node("n1", new NodePlace("eu-west-1a", "eu-west-1"));
    store.node("n2", NodePlace.UNKNOWN);
    assertEquals(new NodePlace("eu-west-1a", "eu-west-1"), store.node("n1"));
    assertSame(NodePlace.UNKNOWN, store.node("n2"));
    assertSame(NodePlace.UNKNOWN, store.node("nowhere"));
    assertSame(NodePlace.UNKNOWN, store.node(null));
    store.nodeDeleted("n1", T0);
    store.forgetOld(T0 + RETENTION.toNanos());
    assertEquals("eu-west-1a", store.node("n1").zone());
    store.forgetOld(T0 + RETENTION.toNanos() + 1);
    assertSame(NodePlace.UNKNOWN, store.node("n1"));
  }

  @Test
  void aPodsAddressLeavingItsStatusEndsItsSpanWhenSeen() {
    store.pod(running("a", "pod-a", IP, T0, null), T0);
    store.pod(new PodFacts("a", "shop", "pod-a", "n1", false, List.of(), T0, 0, List.of("c-a"), null), T0 + 7 * S);
    assertEquals("pod-a", store.podAt(IP, T0 + 7 * S - 1).name());
    assertNull(store.podAt(IP, T0 + 7 * S));
  }
}
