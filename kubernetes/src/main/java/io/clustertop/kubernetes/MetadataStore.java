package io.clustertop.kubernetes;

import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kubernetes.history.AddressTable;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the collector knows of the cluster: pods by address and time, Services by address and time,
 * pods by container id, nodes' zones. Filled from the informers' facts; read by the collector through
 * {@link ClusterMetadata}.
 *
 * <p>Rules for an address's holders: a pod holds its addresses from when its sandbox was ready (or,
 * failing that, its start) until it ends (its containers' last finish), its addresses leave its status,
 * or it is deleted (when the deletion is seen); a newer holder of the same address ends the older one
 * at its own start, whatever order the events came in. A pod of the host network holds no address
 * (its node's is shared by all of them): it is found by container id. What ended is still answered
 * for during {@link MetadataLimits#retention()}, then forgotten.
 *
 * <p>Thread safety: the writer methods ({@code pod}, {@code podDeleted}, ... {@code forgetOld}) are
 * serialised on this object (the informers call them from their own threads); the lookups take no
 * lock and allocate nothing.
 */
public final class MetadataStore implements ClusterMetadata {
  private final MetadataLimits limits;
  private final ApiConnection api;
  private final AddressTable<PodRef> podAddresses;
  private final AddressTable<ServiceRef> serviceAddresses;
  private final ConcurrentHashMap<String, PodRef> containers = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, NodePlace> nodes = new ConcurrentHashMap<>();
  private volatile long containersRefused;
  private volatile int podCount;

  // The writer's own state, under this object's lock.
  private final Map<String, PodEntry> pods = new HashMap<>();
  private final Map<String, ServiceEntry> services = new HashMap<>();
  private final Map<String, Workload> ownerWorkloads = new HashMap<>();
  private final Map<String, Set<String>> podsByOwner = new HashMap<>();
  private final ArrayDeque<Forget> forgetting = new ArrayDeque<>();

  public MetadataStore(MetadataLimits limits, ApiConnection api) {
    this.limits = limits;
    this.api = api;
    this.podAddresses = new AddressTable<>(limits.maxAddresses(), limits.spansPerAddress());
    this.serviceAddresses = new AddressTable<>(limits.maxAddresses(), limits.spansPerAddress());
  }

  // ---- lookups (any thread, no lock, no allocation)

  @Override
  public PodRef podAt(IpAddress address, long unixNanos) {
    return podAddresses.holderAt(address, unixNanos);
  }

  @Override
  public ServiceRef serviceAt(IpAddress address, long unixNanos) {
    return serviceAddresses.holderAt(address, unixNanos);
  }

  /** Allocates only for an id given with its runtime's prefix ({@code containerd://...}). */
  @Override
  public PodRef podOfContainer(String containerId) {
    return containerId == null ? null : containers.get(bareContainerId(containerId));
  }

  @Override
  public NodePlace node(String nodeName) {
    NodePlace place = nodeName == null ? null : nodes.get(nodeName);
    return place == null ? NodePlace.UNKNOWN : place;
  }

  @Override
  public MetadataStatus status() {
    return new MetadataStatus(api.resources(), api.errors(), api.lastError(), podCount, podAddresses.addresses(),
        serviceAddresses.addresses(), containers.size(), nodes.size(),
        podAddresses.spansDropped() + serviceAddresses.spansDropped(),
        podAddresses.addressesRefused() + serviceAddresses.addressesRefused(), containersRefused);
  }

  /** The id without the {@code containerd://}, {@code cri-o://}, {@code docker://} the API puts before it. */
  public static String bareContainerId(String id) {
    int scheme = id.indexOf("://");
    return scheme < 0 ? id : id.substring(scheme + 3);
  }

  // ---- writers (the informers' threads, one at a time)

  /** A pod was added or changed, seen at {@code seenAt}. */
  public synchronized void pod(PodFacts facts, long seenAt) {
    PodEntry entry = pods.get(facts.uid());
    if (entry == null) {
      entry = new PodEntry();
      pods.put(facts.uid(), entry);
      podCount = pods.size();
    }
    indexOwner(facts, entry.facts);
    entry.facts = facts;
    describe(facts.uid(), entry, podRef(facts));
    if (!facts.hostNetwork()) {
      holdAddresses(facts, entry, seenAt);
    }
    for (String id : facts.containerIds()) {
      if (entry.containers.add(id)) {
        addContainer(id, entry.ref);
      }
    }
    for (var it = entry.containers.iterator(); it.hasNext(); ) {
      String id = it.next();
      if (!facts.containerIds().contains(id)) { // a restarted container has a new id; the old one ends
        it.remove();
        forgetLater(containers, id, entry.ref, seenAt);
      }
    }
  }

  /** A pod was deleted, seen at {@code seenAt}: it let its addresses go then, at the latest. */
  public synchronized void podDeleted(String uid, long seenAt) {
    PodEntry entry = pods.remove(uid);
    if (entry == null) {
      return;
    }
    podCount = pods.size();
    for (IpAddress a : entry.open) {
      podAddresses.close(a, uid, seenAt);
    }
    for (String id : entry.containers) {
      forgetLater(containers, id, entry.ref, seenAt);
    }
    indexOwner(null, entry.facts);
  }

  /** A ReplicaSet or Job was added or changed: its pods' workload is its controller. */
  public synchronized void owner(OwnerFacts owner) {
    Workload workload = owner.workload();
    if (!workload.equals(ownerWorkloads.put(owner.uid(), workload))) {
      for (String podUid : podsByOwner.getOrDefault(owner.uid(), Set.of())) {
        PodEntry entry = pods.get(podUid);
        describe(podUid, entry, podRef(entry.facts));
      }
    }
  }

  /**
   * A ReplicaSet or Job was deleted. Its pods, if any are left, keep the workload they had; pods
   * seen later that name it are its own.
   */
  public synchronized void ownerDeleted(String uid) {
    ownerWorkloads.remove(uid);
  }

  /** A Service was added or changed. */
  public synchronized void service(ServiceFacts facts, long seenAt) {
    ServiceEntry entry = services.computeIfAbsent(facts.uid(),
        uid -> new ServiceEntry(new ServiceRef(facts.namespace(), facts.name(), uid)));
    for (IpAddress a : facts.clusterIps()) {
      if (entry.open.add(a)) {
        serviceAddresses.open(a, facts.uid(), entry.ref, facts.since());
      }
    }
    for (var it = entry.open.iterator(); it.hasNext(); ) {
      IpAddress a = it.next();
      if (!facts.clusterIps().contains(a)) {
        it.remove();
        serviceAddresses.close(a, facts.uid(), seenAt);
      }
    }
  }

  /** A Service was deleted, seen at {@code seenAt}. */
  public synchronized void serviceDeleted(String uid, long seenAt) {
    ServiceEntry entry = services.remove(uid);
    if (entry != null) {
      entry.open.forEach(a -> serviceAddresses.close(a, uid, seenAt));
    }
  }

  /** A node was added or changed. */
  public synchronized void node(String name, NodePlace place) {
    nodes.put(name, place);
  }

  /** A node was deleted, seen at {@code seenAt}: its zone is still answered for during the retention. */
  public synchronized void nodeDeleted(String name, long seenAt) {
    NodePlace place = nodes.get(name);
    if (place != null) {
      forgetLater(nodes, name, place, seenAt);
    }
  }

  /** Forgets what ended more than the retention before {@code now}. Run it every few seconds. */
  public synchronized void forgetOld(long now) {
    long horizon = now - limits.retention().toNanos();
    podAddresses.forgetEndedBefore(horizon);
    serviceAddresses.forgetEndedBefore(horizon);
    while (!forgetting.isEmpty() && forgetting.peekFirst().endedAt() < horizon) {
      forgetting.pollFirst().run();
    }
  }

  private void holdAddresses(PodFacts facts, PodEntry entry, long seenAt) {
    long horizon = seenAt - limits.retention().toNanos();
    for (IpAddress a : facts.addresses()) {
      // a pod first seen long after it ended (a finished Job's pod) is history nobody will ask for
      boolean worthKeeping = !facts.ended() || facts.endedAt() >= horizon;
      if (worthKeeping && entry.spanned.add(a)) {
        entry.open.add(a);
        podAddresses.open(a, facts.uid(), entry.ref, facts.holdsSince());
      }
    }
    for (var it = entry.open.iterator(); it.hasNext(); ) {
      IpAddress a = it.next();
      if (facts.ended() || !facts.addresses().contains(a)) {
        it.remove();
        podAddresses.close(a, facts.uid(), facts.ended() ? facts.endedAt() : seenAt);
      }
    }
  }

  private void addContainer(String id, PodRef ref) {
    if (containers.size() >= limits.maxContainers() && !containers.containsKey(id)) {
      containersRefused++;
      return;
    }
    containers.put(id, ref);
  }

  /** Points the pod's address spans and containers at {@code ref} if it differs from what they name. */
  private void describe(String uid, PodEntry entry, PodRef ref) {
    if (ref.equals(entry.ref)) {
      return;
    }
    entry.ref = ref;
    for (IpAddress a : entry.spanned) {
      podAddresses.describe(a, uid, ref);
    }
    for (String id : entry.containers) {
      containers.replace(id, ref);
    }
  }

  private PodRef podRef(PodFacts f) {
    return new PodRef(f.namespace(), f.name(), f.uid(), f.node(), f.hostNetwork(), workload(f));
  }

  private Workload workload(PodFacts f) {
    Owner c = f.controller();
    if (c == null) {
      return new Workload(Workload.POD, f.namespace(), f.name());
    }
    Workload resolved = ownerWorkloads.get(c.uid());
    return resolved != null ? resolved : new Workload(c.kind(), f.namespace(), c.name());
  }

  private void indexOwner(PodFacts now, PodFacts before) {
    String was = before == null || before.controller() == null ? null : before.controller().uid();
    String is = now == null || now.controller() == null ? null : now.controller().uid();
    if (Objects.equals(was, is)) {
      return;
    }
    if (was != null) {
      Set<String> pods = podsByOwner.get(was);
      pods.remove(before.uid());
      if (pods.isEmpty()) {
        podsByOwner.remove(was);
      }
    }
    if (is != null) {
      podsByOwner.computeIfAbsent(is, k -> new HashSet<>()).add(now.uid());
    }
  }

  /** Removes {@code key} from {@code map} once the retention has passed, unless it was given another value since. */
  private <V> void forgetLater(ConcurrentHashMap<String, V> map, String key, V value, long endedAt) {
    forgetting.addLast(new Forget(endedAt, () -> map.computeIfPresent(key, (k, v) -> v == value ? null : v)));
  }

  /** An entry to remove once it ended more than the retention ago; ends are seen in order. */
  private record Forget(long endedAt, Runnable action) {
    void run() {
      action.run();
    }
  }

  private static final class PodEntry {
    PodFacts facts;
    PodRef ref;
    /** Addresses with a span of this pod (open or closed), so an ended pod's updates do not open one again. */
    final Set<IpAddress> spanned = new LinkedHashSet<>(2);
    /** Addresses it holds now. */
    final Set<IpAddress> open = new LinkedHashSet<>(2);
    final Set<String> containers = new LinkedHashSet<>(2);
  }

  private static final class ServiceEntry {
    final ServiceRef ref;
    final Set<IpAddress> open = new LinkedHashSet<>(2);

    ServiceEntry(ServiceRef ref) {
      this.ref = ref;
    }
  }
}
