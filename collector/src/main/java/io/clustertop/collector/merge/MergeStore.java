package io.clustertop.collector.merge;

import io.clustertop.collector.log.RateLimitedLog;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.BuiltInClass;
import io.clustertop.core.cost.Classifier;
import io.clustertop.core.cost.CostParts;
import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.ClusterShare;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.PackedKey;
import io.clustertop.core.flow.Volume;
import io.clustertop.core.privacy.RemoteMask;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FlowHistory;
import io.clustertop.core.report.Flows;
import io.clustertop.core.report.FullState;
import io.clustertop.core.report.Hello;
import io.clustertop.core.rows.Departed;
import io.clustertop.core.rows.Labels;
import io.clustertop.core.rows.LiveView;
import io.clustertop.collector.placement.Placer;
import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.FlowOwners;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.rows.NameTable;
import io.clustertop.core.window.SlotClock;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.table.ConversationStore;
import io.clustertop.core.table.ConversationTag;
import io.clustertop.core.table.FoldRule;
import io.clustertop.core.table.SlotColumns;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Every agent the collector knows and what each counted: the merge's store. It speaks core types
 * only; the ingest edge decides the order of batches and hands them over one at a time, in
 * sequence; the views kept up to date as batches arrive are registered on the agents whose batches
 * change them.
 *
 * <pre>
 * ingest session -> hello():     which agent, which epoch; Joined(applied through, send full state?)
 *                -> apply():     the next batch: into the agent epoch's store, then into each view
 *                                registered on the agent (one lock of each per batch)
 *                -> fullState(): replaces what was known of the epoch (and its part of every view)
 * view registry  -> attach(), detach(), refreshViews(): a view built agent by agent, under each
 *                   agent's lock, and registered there, so no batch is missed or counted twice
 * readers        -> read(): the agents, each locked while it is read ({@link ClusterFigures})
 * publisher      -> expire(): agents gone longer than the expiry are dropped, their figures kept
 * </pre>
 *
 * <p>Each agent epoch's conversations are held once, in core's {@link ConversationStore}; each is
 * tagged when it first comes with its cluster share ({@link ClusterShare}: is its remote end a
 * node, or a pod on one?) and its destination class, and tagged again when the known nodes change.
 * Which node a pod's address was on is decided once, when the conversation first comes, and kept
 * beside it ({@link ConversationStore#remoteNode}): tagged again, it is read, not looked up. Bounded: past
 * {@code maxConversationsPerAgent} in an epoch, or {@code maxConversations} in the collector, the
 * idlest fold into "other" ({@link FoldRule}), totals exact.
 *
 * <p>Thread safety: safe. A read-write lock guards who the agents are: a Hello, a disconnect, a
 * departure take it exclusively; batches, full states, view builds and readers share it. Each
 * agent's figures and views are guarded by the agent itself: a batch holds only its own agent (and
 * each of its views, one at a time). A reading is consistent per agent, not across agents.
 */
public final class MergeStore implements ClusterFigures {
  private static final System.Logger LOG = System.getLogger(MergeStore.class.getName());
  private static final RateLimitedLog NEW_CONVERSATIONS = new RateLimitedLog(LOG, 60_000_000_000L);

  private final LongSupplier clock;
  private final IngestLimits limits;
  private final CollectorMetrics metrics;
  private final Classifier classifier;
  private final Placer placer;
  private final RemoteMask mask;
  private final ReadWriteLock membership = new ReentrantReadWriteLock();
  private final Map<AgentId, AgentRecord> agents = new LinkedHashMap<>();
  private final NameTable nodeNames = new NameTable();
  private final NameTable classNames = new NameTable();
  private final int unattributed;
  /**
   * Who announces each address, every agent held, connected or not, the latest claim last: traffic
   * from an address here is its own agent's to count ({@link ClusterShare}). Kept as agents come,
   * change and go, not derived again from all of them at each change: thousands of agents connecting
   * at once would make that quadratic. Changed under the write lock, read under the read lock.
   */
  private final Map<IpAddress, List<AgentRecord>> owners = new HashMap<>();
  /**
   * The agents held, connected or not, by their node's name, the latest last: a conversation with a
   * pod on one of these nodes is that node's to count, as one with its address is. Kept beside
   * {@link #owners}, by the same claims. Changed under the write lock, read under the read lock.
   */
  private final Map<String, List<AgentRecord>> agentsByNode = new HashMap<>();
  /**
   * Nodes known from their records rather than from an agent held here (a collector sharing Kafka's
   * partitions reads every node's record: its agent may speak to another collector), by name, and
   * their addresses, the latest record claiming each last. An address here is a node's as much as one
   * an agent held here announces. Under the membership lock.
   */
  private final Map<String, AgentIdentity> recorded = new HashMap<>();
  private final Map<IpAddress, List<AgentIdentity>> recordedAddresses = new HashMap<>();
  /** The names rows are shown with; made again, when read, after who the agents are changed. */
  private volatile NodeLabels labels;
  private volatile boolean labelsStale;
  /**
   * Counts the times an address became known: a store whose "other"'s shares were derived before
   * the latest has them derived again ({@link ConversationStore#reshareOther}) before anything reads
   * or adds to them, lazily as tags are.
   */
  private volatile int knownGrowth;
  /** The views kept up to date; each is also on the agents in its scope. */
  private final List<LiveView> views = new CopyOnWriteArrayList<>();
  /**
   * Who the agents are changed since the views were built: they are built again before the next
   * reading, and until then no batch updates them (they are cleared and built from the stores).
   */
  private volatile boolean viewsStale;
  /**
   * Counts changes of who the agents are (the known nodes, a node's place): a store whose tags were
   * decided with an older one has them decided again before anything reads or folds it. Lazily, agent
   * by agent, so a thousand agents connecting at once cost one tagging of each conversation, not a
   * thousand. Changed under the write lock.
   */
  private volatile int tagGeneration;
  /** What departed agents counted, by node name, and all of it. Under the membership lock. */
  private final Map<String, Departed> departed = new HashMap<>();
  private Departed departedTotal = Departed.NONE;
  /**
   * Each departed agent's own figures, the most recent {@link #REMEMBERED_DEPARTURES}: an agent that
   * comes back in the same epoch brings its figures again in a full state, so they are taken out of
   * the departed ones first, and count once.
   */
  private final Map<AgentId, DepartedAgent> departures = new LinkedHashMap<>();
  private static final int REMEMBERED_DEPARTURES = 100_000;

  /** @param owner who the agent id belonged to ({@link #hello}); null without TLS */
  private record DepartedAgent(String node, long epoch, Departed figures, String owner) {}
  private final AtomicLong conversations = new AtomicLong();
  private final ReentrantLock collectorWideFold = new ReentrantLock();
  /** One view build at a time (a first subscriber's, or all views' after a change of membership). */
  private final ReentrantLock viewBuilds = new ReentrantLock();
  private EpochEndListener epochEnd = (agent, ending) -> {};
  /** Agents turned away for their clock or their addresses, so their nodes' statuses can say so. */
  private final RefusedAgents refused;

  /** @param clock the collector's clock, nanoseconds since the Unix epoch */
  public MergeStore(LongSupplier clock, IngestLimits limits, CollectorMetrics metrics, Classifier classifier) {
    this(clock, limits, metrics, classifier, new Placer(null, Placer.DEFAULT_MAX), RemoteMask.OFF);
  }

  /** @param placer who conversations' local ends are (with Kubernetes read, or not) */
  public MergeStore(LongSupplier clock, IngestLimits limits, CollectorMetrics metrics, Classifier classifier,
      Placer placer) {
    this(clock, limits, metrics, classifier, placer, RemoteMask.OFF);
  }

  /**
   * @param placer who conversations' local ends are (with Kubernetes read, or not)
   * @param mask what stands in place of public remote addresses ({@code --mask-remote}), decided here once
   */
  public MergeStore(LongSupplier clock, IngestLimits limits, CollectorMetrics metrics, Classifier classifier,
      Placer placer, RemoteMask mask) {
    this.mask = mask;
    this.clock = clock;
    this.limits = limits;
    this.metrics = metrics;
    this.classifier = classifier;
    this.placer = placer;
    this.unattributed = classNames.id(BuiltInClass.UNATTRIBUTED.label());
    this.labels = new NodeLabels(Map.of(), Map.of(), nodeNames, classNames, placer.placements());
    this.refused = new RefusedAgents(limits.maxAgents(), limits.agentExpiryNanos());
  }

  public Placer placer() {
    return placer;
  }

  // The ingest edge

  /**
   * An agent's stream opened with {@code hello} (already checked on its own, and its node and
   * addresses against the speaker's certificate). A stream is any object that identifies it.
   *
   * <p>An agent id belongs to whoever first used it: with mutual TLS the {@code owner} (its
   * certificate's node), which may open a newer stream that takes over from an older one at any
   * time; without TLS ({@code owner} null) the stream that holds it, until that stream ends. A Hello
   * of anyone else, or one announcing an address another connected node announces, is refused before
   * anything changes.
   *
   * @param peer the stream's remote address, for messages
   * @param owner who speaks, from the certificate; null without mutual TLS
   */
  public Joined hello(Object stream, Hello hello, String peer, String owner) throws Refusal {
    membership.writeLock().lock();
    try {
      return helloExclusive(stream, hello, peer, owner);
    } finally {
      membership.writeLock().unlock();
    }
  }

  private Joined helloExclusive(Object stream, Hello hello, String peer, String owner) throws Refusal {
    AgentId id = hello.identity().agentId();
    long epoch = hello.identity().epoch();
    long now = clock.getAsLong();
    AgentRecord agent = agents.get(id);
    if (agent != null) {
      mayTakeOver(agent, stream, owner);
    } else {
      // Back in its epoch, its full state would replace its departed figures: only its own may say that.
      DepartedAgent gone = departures.get(id);
      if (gone != null && gone.owner() != null && !gone.owner().equals(owner)) {
        throw notTheirs(id, gone.owner(), owner);
      }
    }
    refuseConflictingClaims(hello, agent, now);
    boolean sendFullState;
    Joined.How how;
    if (agent == null) {
      retireGhosts(hello.identity().node(), id);
      if (agents.size() >= limits.maxAgents()) {
        throw new Refusal(Refusal.Kind.LIMIT, InputProblem.TOO_MANY_AGENTS,
            "the collector holds " + limits.maxAgents() + " agents already (--max-agents)");
      }
      comeBack(id, epoch);
      agent = new AgentRecord(hello.identity(), nodeNames.id(hello.identity().node()), knownGrowth,
          limits.maxNewConversationsPerSecond());
      agents.put(id, agent);
      claim(agent, hello.identity());
      sendFullState = awaitsFullState(agent.current, hello);
      how = Joined.How.NEW;
      viewsStale = true;
    } else if (epoch == agent.current.epoch) {
      EpochStore state = agent.current;
      if (hello.newestSequence() < state.appliedThrough) {
        throw new Refusal(Refusal.Kind.WRONG_STATE, InputProblem.BAD_SEQUENCE,
            "newest sequence " + hello.newestSequence() + " is behind " + state.appliedThrough
                + ", already applied in epoch " + epoch + ": a restarted agent takes a new epoch");
      }
      sendFullState = awaitsFullState(state, hello);
      how = Joined.How.RECONNECTED;
    } else if (epoch > agent.current.epoch) {
      epochEnd.ending(agent, agent.current);
      restart(agent, epoch);
      sendFullState = true;
      how = Joined.How.RESTARTED;
    } else {
      throw new Refusal(Refusal.Kind.WRONG_STATE, InputProblem.BAD_SEQUENCE,
          "epoch " + epoch + " is older than this agent's current epoch " + agent.current.epoch);
    }
    if (!sameMembership(agent, hello)) {
      viewsStale = true;
      labelsStale = true;
      tagGeneration++;
      if (how != Joined.How.NEW) {
        unclaim(agent);
        claim(agent, hello.identity());
      }
    }
    agent.identity = hello.identity();
    agent.nodeId = nodeNames.id(agent.node());
    agent.stream = stream;
    agent.peer = peer;
    if (owner != null) {
      agent.owner = owner;
    }
    refused.taken(id, RefusedAgents.Why.ADDRESS_CLAIM);
    agent.disconnectedNanos = 0;
    agent.lastHelloNanos = now;
    return new Joined(new Speaker(agent, stream, epoch), agent.current.appliedThrough, sendFullState, how);
  }

  /**
   * Whether the epoch awaits a full state once the agent has said what it holds: batches it no longer
   * holds are lost to us, and only its full state can bring the totals back. An agent that holds every
   * batch after those applied (a new one its first) sends its batches instead: its full state would add
   * nothing but its own grid of slots ({@link #fullState}).
   */
  private static boolean awaitsFullState(EpochStore state, Hello hello) {
    if (hello.oldestHeldSequence() > state.appliedThrough + 1) {
      state.awaitingFullState = true;
    }
    return state.awaitingFullState;
  }

  /**
   * Whether a new stream may speak for a held agent: the same certificate's node (any stream of it,
   * a half-dead one taken over); without TLS, only once the stream that holds it has ended.
   */
  private static void mayTakeOver(AgentRecord agent, Object stream, String owner) throws Refusal {
    if (agent.owner != null && !agent.owner.equals(owner)) {
      throw notTheirs(agent.agentId, agent.owner, owner);
    }
    if (agent.owner == null && agent.stream != null && agent.stream != stream) {
      throw new Refusal(Refusal.Kind.FORBIDDEN, InputProblem.IDENTITY, "agent " + agent.agentId.hex()
          + " of node " + agent.node() + " is connected from " + agent.peer
          + ": without TLS another stream may speak for it only once that one has ended");
    }
  }

  private static Refusal notTheirs(AgentId id, String holder, String owner) {
    return new Refusal(Refusal.Kind.FORBIDDEN, InputProblem.IDENTITY, "agent " + id.hex() + " belongs to " + holder
        + ", not to " + (owner == null ? "a speaker without a certificate" : owner));
  }

  /**
   * An address another connected agent announces for another node: taken, that node's traffic with
   * the address would count as the newcomer's to count and vanish from the cluster's figures, so the
   * Hello is refused (and the agent shown as turned away). An address of a disconnected agent may
   * move (a node replaced by another with its address); the latest claim then names it.
   */
  private void refuseConflictingClaims(Hello hello, AgentRecord agent, long now) throws Refusal {
    String node = hello.identity().node();
    List<String> taken = new ArrayList<>();
    for (IpAddress address : hello.identity().addresses()) {
      if (address.linkLocal()) {
        continue; // two nodes may hold the same; none is anyone else's traffic
      }
      for (AgentRecord other : owners.getOrDefault(address, List.of())) {
        if (other != agent && other.connected() && !other.node().equals(node)) {
          taken.add(address + " (node " + other.node() + ")");
          break;
        }
      }
    }
    if (!taken.isEmpty()) {
      String list = String.join(", ", taken);
      refused.refused(hello.identity(), RefusedAgents.Why.ADDRESS_CLAIM, 0, list, now);
      throw new Refusal(Refusal.Kind.FORBIDDEN, InputProblem.ADDRESS_CLAIM, "node " + node + " may not announce "
          + list + ": another connected node announces it");
    }
  }

  /** An agent's Hello was refused for addresses its identity may not announce: its node shows it. */
  public void addressesRefused(Hello hello, String addresses) {
    refused.refused(hello.identity(), RefusedAgents.Why.ADDRESS_CLAIM, 0, addresses, clock.getAsLong());
  }

  /** The speaker's batch was refused for its time: its clock is {@code offsetNanos} off (ahead when positive). */
  public void clockOff(Speaker speaker, long offsetNanos) {
    refused.refused(speaker.agent.identity, RefusedAgents.Why.CLOCK_OFF, offsetNanos, "", clock.getAsLong());
  }

  /** Agents turned away for their clock or their addresses. */
  public RefusedAgents refusedAgents() {
    return refused;
  }

  /** What views see of an agent is the same: its node, where it runs, its addresses. */
  private static boolean sameMembership(AgentRecord a, Hello hello) {
    return a.node().equals(hello.identity().node()) && a.identity.place().equals(hello.identity().place())
        && a.addresses().equals(hello.identity().addresses());
  }

  /** A new epoch: the current one's figures join the earlier ones (in its views too), counting starts again. */
  private void restart(AgentRecord agent, long epoch) {
    synchronized (agent) {
      ensureTags(agent);
      forEachStore(agent, -1);
      if (agent.earlier == null) {
        agent.earlier = new EpochStore(0, knownGrowth);
      }
      long before = agent.current.store.size() + agent.earlier.store.size();
      agent.current.store.addAllTo(agent.earlier.store);
      agent.earlier.lastSlot = Math.max(agent.earlier.lastSlot, agent.current.lastSlot);
      agent.earlierCounters = agent.earlierCounters.plus(agent.current.counters);
      agent.current = new EpochStore(epoch, knownGrowth);
      agent.current.awaitingFullState = true;
      agent.restarted = true;
      int max = limits.maxConversationsPerAgent();
      if (agent.earlier.store.size() > max) {
        metrics.folded(agent.earlier.store.foldIdlest(FoldRule.target(max), e -> { }));
      }
      conversations.addAndGet(agent.earlier.store.size() - before);
      forEachStore(agent, 1);
    }
  }

  /** The speaker's epoch: the sequence applied through. */
  public long appliedThrough(Speaker speaker) throws Refusal {
    return withSpeaker(speaker, agent -> agent.current.appliedThrough);
  }

  /**
   * Whether batches may be applied now: not while the epoch waits for a full state, unless it has
   * applied nothing (a new agent with nothing to state may start from its first batch).
   */
  public boolean takesBatches(Speaker speaker) throws Refusal {
    return withSpeaker(speaker, agent -> !agent.current.awaitingFullState || agent.current.appliedThrough == 0);
  }

  /** Bytes applied in the speaker's epoch, both ways (an epoch's bytes stay below 2^62). */
  public long appliedBytes(Speaker speaker) throws Refusal {
    return withSpeaker(speaker, agent -> agent.current.appliedBytes);
  }

  /**
   * Applies the speaker's next batch: the one after the last applied, or one whose Gap covers the
   * sequences between (the ingest session holds batches until their turn). Each flow goes into its
   * conversation (a new one tagged), the rest into "other", everything into the totals; then the
   * batch into each view registered on the agent.
   *
   * @return the sequence applied through
   */
  public long apply(Speaker speaker, Batch batch) throws Refusal {
    long applied = withSpeaker(speaker, agent -> {
      EpochStore state = agent.current;
      if (batch.sequence() != state.appliedThrough + 1
          && !(batch.hasGap() && batch.gap().firstSequence() <= state.appliedThrough + 1)) {
        throw new IllegalArgumentException("batch " + batch.sequence() + " is not next after " + state.appliedThrough);
      }
      long now = clock.getAsLong();
      long slot = Math.min(Math.max(SlotClock.slotOf(batch.endUnixNanos()), state.lastSlot), SlotClock.slotOf(now));
      state.lastSlot = slot;
      ensureTags(agent);
      ConversationStore store = state.store;
      store.moveTo(slot);
      Flows flows = batch.flows();
      if (mask.masks()) {
        agent.maskedRemotes.mask(flows, tagGeneration, remote -> masked(agent, remote));
      }
      int unknown = 0;
      for (int i = 0; i < flows.size(); i++) {
        if (!flows.isZero(i) && store.find(flows, i) < 0) {
          unknown++;
        }
      }
      // New conversations past the agent's budget go into its "other", as a fold would put them. A
      // key that comes twice counts twice in unknown, but is added (and charged) once.
      int mayAdd = unknown == 0 ? 0 : agent.newConversations.available(unknown, now);
      long[] heldOff = new long[4];
      int heldOffCount = 0;
      store.reserve(mayAdd);
      // Each conversation the batch changes, once, with all the batch adds to it (a key may come twice).
      int[] changed = new int[flows.size()];
      long[] deltas = new long[flows.size() * 4];
      int[] positions = new int[Integer.highestOneBit(Math.max(4, flows.size() * 2 - 1)) << 1];
      int count = 0;
      int added = 0;
      FlowOwners flowOwners = batch.owners();
      int[] processOwners = owners(agent, flowOwners);
      int firstNew = store.size(); // conversations from here on came with this batch: no view holds them yet
      for (int i = 0; i < flows.size(); i++) {
        if (flows.isZero(i)) {
          continue;
        }
        int e = store.find(flows, i);
        if (e < 0 && added == mayAdd) {
          for (int f = 0; f < 4; f++) {
            heldOff[f] += flows.volumeField(i, f);
          }
          heldOffCount++;
          continue;
        }
        int ref = flowOwners.ref(i);
        int owner = ref > 0 ? processOwners[ref - 1] : ref;
        if (e < 0) {
          long firstSeen = batch.startUnixNanos();
          e = insert(agent, store, flows.keyField(i, 0), flows.keyField(i, 1), flows.keyField(i, 2),
              flows.keyField(i, 3), flows.keyField(i, 4), remoteNodeAt(flows.keyField(i, 2), flows.keyField(i, 3),
                  flows.keyField(i, 4), firstSeen));
          store.setOwner(e, owner, place(agent, owner, process(flowOwners, ref), store, e, firstSeen));
          added++;
        } else if (owner != FlowOwners.UNKNOWN && owner != store.owner(e)) {
          int placement = place(agent, owner, process(flowOwners, ref), store, e, batch.startUnixNanos());
          if (e < firstNew) {
            replaceOwner(agent, store, e, slot, owner, placement);
          } else {
            store.setOwner(e, owner, placement);
          }
        }
        store.add(e, slot, flows, i);
        int at = position(positions, e, count);
        if (at == count) {
          changed[count++] = e;
        }
        for (int f = 0; f < 4; f++) {
          deltas[at * 4 + f] += flows.volumeField(i, f);
        }
      }
      Volume total = batch.total();
      Volume rest = total.minus(flows.sum()).plus(new Volume(heldOff[0], heldOff[1], heldOff[2], heldOff[3]));
      if (heldOffCount > 0) {
        heldOff(agent, heldOffCount);
      }
      if (added > 0) {
        agent.newConversations.take(added);
      }
      store.addAggregate(ConversationStore.TOTALS, slot, total);
      addRest(store, slot, rest);
      state.counters = batch.counters();
      state.appliedBytes += total.bytes();
      if (batch.hasGap()) {
        agent.gapSeconds += batch.gap().missedSeconds(state.appliedThrough);
        state.lostBatches |= batch.gap().lastSequence() > state.appliedThrough;
      }
      state.appliedThrough = batch.sequence();
      state.awaitingFullState = false;
      agent.lastBatchNanos = now;
      refused.taken(agent.agentId, RefusedAgents.Why.CLOCK_OFF);
      for (LiveView v : views(agent)) {
        v.applyBatch(store, agent.nodeId, slot, changed, count, deltas, rest, total);
      }
      conversations.addAndGet(added);
      bound(agent, state);
      metrics.applied();
      return state.appliedThrough;
    });
    foldCollectorWideIfOver();
    return applied;
  }

  /** The owner id of each process of a batch (an agent's batch names a few), by its reference - 1. */
  private int[] owners(AgentRecord agent, FlowOwners flowOwners) {
    List<LocalProcess> processes = flowOwners.processes();
    int[] ids = new int[processes.size()];
    for (int p = 0; p < ids.length; p++) {
      ids[p] = placer.owner(agent.nodeId, processes.get(p));
    }
    return ids;
  }

  /** The process a batch's flow names by its reference, or null (none named, or none found). */
  private static LocalProcess process(FlowOwners flowOwners, int ref) {
    return ref > 0 ? flowOwners.process(ref) : null;
  }

  /**
   * The placement of conversation {@code e} of {@code store}, its owner as given: by its key as kept
   * (under {@code --mask-remote}, the remote's stand-in), whether it came in a batch or a full state.
   */
  private int place(AgentRecord agent, int owner, LocalProcess process, ConversationStore store, int e,
      long unixNanos) {
    long meta = store.keyField(e, PackedKey.META);
    return placer.place(owner, process, agent.addresses(),
        new IpAddress(PackedKey.version(meta), store.keyField(e, 0), store.keyField(e, 1)),
        new IpAddress(PackedKey.version(meta), store.keyField(e, 2), store.keyField(e, 3)), unixNanos);
  }

  /**
   * Attribution named a conversation's process (or found it has none) since it came: it moves to
   * its new placement's rows, whole, in every view by placement.
   */
  private void replaceOwner(AgentRecord agent, ConversationStore store, int e, long slot, int owner, int placement) {
    if (placement != store.placement(e)) {
      for (LiveView v : views(agent)) {
        if (v.spec().byPlacement()) {
          v.replace(store, e, agent.nodeId, slot, placement);
        }
      }
    }
    store.setOwner(e, owner, placement);
  }

  /**
   * Where conversation {@code e} is among those a batch changed so far, or {@code next} (and now
   * there) if it is not: an open-addressing table of position + 1 by entry, a batch's own.
   */
  private static int position(int[] table, int e, int next) {
    int mask = (table.length >> 1) - 1;
    for (int i = (e * 0x9E37_79B9 >>> 7) & mask; ; i = (i + 1) & mask) {
      if (table[2 * i] == 0) {
        table[2 * i] = e + 1;
        table[2 * i + 1] = next;
        return next;
      }
      if (table[2 * i] == e + 1) {
        return table[2 * i + 1];
      }
    }
  }

  /** What no conversation holds, into "other"; its share is what the node sent (its senders are unknown). */
  private static void addRest(ConversationStore store, long slot, Volume rest) {
    store.addAggregate(ConversationStore.OTHER, slot, rest);
    store.addAggregate(ConversationStore.OTHER_SHARE, slot, rest.sentOnly());
    store.addAggregate(ConversationStore.OTHER_UNTURNED, slot, rest.sentOnly());
  }

  /**
   * A full state: it replaces what was known of the speaker's epoch. The cumulative volumes go in as
   * older than the slots, the slots into the collector's from the state's first on (clamped to the
   * present: an agent whose clock is ahead lands in it).
   *
   * <p>Unless it holds nothing the epoch lacks: every batch up to its sequence applied here, none
   * lost to a gap since the last full state, none awaited. Such a full state is acknowledged and
   * counted as not needed ({@link CollectorMetrics#fullStateNotNeeded}), since applying it would only
   * move the epoch's last 40 s onto the agent's own grid of 2-second slots, whose phase is not the
   * collector's (a batch goes into the slot of its end): the rates would then differ from those of a
   * collector that took the same batches. Over gRPC an agent sends a full state when asked; on Kafka
   * it publishes one every period whoever reads it, and a shard that has followed the agent's every
   * batch needs none of them.
   *
   * @return the sequence applied through
   */
  public long fullState(Speaker speaker, FullState state) throws Refusal {
    long applied = withSpeaker(speaker, agent -> {
      EpochStore epoch = agent.current;
      if (!epoch.awaitingFullState && !epoch.lostBatches && !state.hasGap() && epoch.appliedThrough > 0
          && state.sequence() <= epoch.appliedThrough) {
        metrics.fullStateNotNeeded();
        return epoch.appliedThrough;
      }
      long now = clock.getAsLong();
      ConversationStore store = epoch.store;
      ensureTags(agent);
      for (LiveView v : views(agent)) {
        v.addStore(store, agent.nodeId, -1);
      }
      // The nodes of the remote ends as decided when the conversations came: a pod gone since (or one
      // the API had not shown then) must not change them now.
      Map<FlowKey, Integer> decided = remoteNodes(store);
      conversations.addAndGet(-store.size());
      store.clear();
      long first = SlotClock.slotOf(state.firstSlotStartUnixNanos());
      long currentSlot = SlotClock.slotOf(now);
      int[] entries = new int[state.flows().size()];
      // A full state's conversations are new to the cleared store: they take the agent's budget as a
      // batch's new ones do, and those past it go into "other" (their bytes stay in the totals).
      int nonZero = 0;
      for (FlowHistory f : state.flows()) {
        nonZero += f.cumulative().isZero() ? 0 : 1;
      }
      int mayAdd = nonZero == 0 ? 0 : agent.newConversations.available(nonZero, now);
      int added = 0;
      int heldOff = 0;
      store.reserve(mayAdd);
      Volume flowsOlder = Volume.ZERO;
      for (int i = 0; i < entries.length; i++) {
        FlowHistory f = state.flows().get(i);
        FlowKey key = f.key();
        if (mask.masks()) {
          IpAddress masked = masked(agent, key.remote());
          key = new FlowKey(key.local(), masked, key.localPort(), key.remotePort(), key.protocol());
        }
        entries[i] = f.cumulative().isZero() ? -1 : store.find(key);
        if (f.cumulative().isZero()) {
          continue;
        }
        if (entries[i] < 0 && added == mayAdd) {
          heldOff++;
          continue; // entries[i] stays -1: its bytes are left to "other"
        }
        if (entries[i] < 0) {
          long[] k = {key.local().high(), key.local().low(), key.remote().high(), key.remote().low(),
              PackedKey.meta(key)};
          long latest = state.firstSlotStartUnixNanos() + Math.max(0, f.slots().size() - 1) * SlotClock.SLOT_NANOS;
          Integer remoteNode = decided.get(key);
          entries[i] = insert(agent, store, k[0], k[1], k[2], k[3], k[4],
              remoteNode != null ? remoteNode : remoteNodeAt(k[2], k[3], k[4], latest));
          Attribution a = f.attribution();
          int owner = a == null ? FlowOwners.UNKNOWN
              : a.attributed() ? placer.owner(agent.nodeId, a.process()) : FlowOwners.UNATTRIBUTED;
          store.setOwner(entries[i], owner, place(agent, owner, a == null ? null : a.process(), store, entries[i],
              latest));
          added++;
        }
        Volume older = f.cumulative();
        for (Volume s : f.slots()) {
          older = older.minus(s);
        }
        store.add(entries[i], SlotColumns.NONE, older);
        flowsOlder = flowsOlder.plus(older);
      }
      if (added > 0) {
        agent.newConversations.take(added);
      }
      if (heldOff > 0) {
        heldOff(agent, heldOff);
      }
      Volume totalOlder = state.total();
      for (Volume s : state.totalSlots()) {
        totalOlder = totalOlder.minus(s);
      }
      store.addAggregate(ConversationStore.TOTALS, SlotColumns.NONE, totalOlder);
      addRest(store, SlotColumns.NONE, totalOlder.minus(flowsOlder));
      long slot = Long.MIN_VALUE;
      for (int s = 0; s < state.totalSlots().size(); s++) {
        slot = Math.min(first + s, currentSlot);
        store.moveTo(slot);
        Volume flowsInSlot = Volume.ZERO;
        for (int i = 0; i < entries.length; i++) {
          FlowHistory f = state.flows().get(i);
          if (entries[i] >= 0 && s < f.slots().size()) {
            store.add(entries[i], slot, f.slots().get(s));
            flowsInSlot = flowsInSlot.plus(f.slots().get(s));
          }
        }
        store.addAggregate(ConversationStore.TOTALS, slot, state.totalSlots().get(s));
        addRest(store, slot, state.totalSlots().get(s).minus(flowsInSlot));
      }
      epoch.lastSlot = Math.max(epoch.lastSlot, slot);
      epoch.counters = state.counters();
      if (state.hasGap()) {
        agent.gapSeconds += state.gap().missedSeconds(epoch.appliedThrough);
      }
      epoch.appliedThrough = state.sequence();
      epoch.awaitingFullState = false;
      epoch.lostBatches = false;
      epoch.fullStateApplied = true;
      epoch.appliedBytes = state.total().bytes();
      agent.lastBatchNanos = now;
      refused.taken(agent.agentId, RefusedAgents.Why.CLOCK_OFF);
      int max = limits.maxConversationsPerAgent();
      if (store.size() > max) {
        metrics.folded(store.foldIdlest(FoldRule.target(max), e -> { })); // before the views take the store
      }
      conversations.addAndGet(store.size());
      for (LiveView v : views(agent)) {
        v.addStore(store, agent.nodeId, 1);
      }
      metrics.fullStateApplied();
      return epoch.appliedThrough;
    });
    foldCollectorWideIfOver();
    return applied;
  }

  /** {@code flows} of new conversations went into the agent's "other", past its budget: counted, and said. */
  private void heldOff(AgentRecord agent, int flows) {
    metrics.newConversationsFolded(flows);
    NEW_CONVERSATIONS.log(Level.WARNING, "new-conversations", "node {0} (agent {1}) sent more new conversations"
        + " than --max-new-conversations-per-second allows: {2} of one message went into its \"other\", bytes kept",
        agent.identity.node(), agent.agentId, flows);
  }

  /** An epoch past the per-agent limit folds its idlest into "other" (in its views too). */
  private void bound(AgentRecord agent, EpochStore epoch) {
    int max = limits.maxConversationsPerAgent();
    if (epoch.store.size() > max) {
      int folded = epoch.store.foldIdlest(FoldRule.target(max), e -> {
        for (LiveView v : views(agent)) {
          v.fold(epoch.store, e, agent.nodeId);
        }
      });
      conversations.addAndGet(-folded);
      metrics.folded(folded);
    }
  }

  /** What a speaker's agent does to its figures: under the shared membership lock and the agent's own. */
  private <T> T withSpeaker(Speaker speaker, AgentWork<T> work) throws Refusal {
    membership.readLock().lock();
    try {
      AgentRecord agent = speaker.agent;
      synchronized (agent) {
        if (agent.stream != speaker.stream || agent.current.epoch != speaker.epoch || agents.get(agent.agentId) != agent) {
          throw new Refusal(Refusal.Kind.SUPERSEDED, InputProblem.SUPERSEDED, "a newer stream of this agent took over");
        }
        return work.apply(agent);
      }
    } finally {
      membership.readLock().unlock();
    }
  }

  @FunctionalInterface
  private interface AgentWork<T> {
    T apply(AgentRecord agent) throws Refusal;
  }

  /**
   * The speaker's stream ended, for whatever reason: its agent is no longer connected. Its figures
   * stay (until it has been gone longer than the expiry); an agent that never had a batch applied
   * leaves nothing to keep and is dropped at once.
   */
  public void disconnected(Speaker speaker) {
    membership.writeLock().lock();
    try {
      AgentRecord agent = speaker.agent;
      if (agent.stream == speaker.stream) {
        agent.stream = null;
        agent.disconnectedNanos = clock.getAsLong();
        if (agent.empty() && agents.get(agent.agentId) == agent) {
          agents.remove(agent.agentId);
          unclaim(agent);
          viewsStale = true;
          LOG.log(Level.INFO, "agent dropped: node {0}, agent {1}: nothing of it was applied",
              agent.node(), agent.agentId.hex());
        }
      }
    } finally {
      membership.writeLock().unlock();
    }
  }

  // Departures

  /**
   * Drops the agents gone (no stream) longer than the expiry: their conversations and records go,
   * their figures stay in the totals as departed. What the publisher runs before each publication.
   */
  public void expire() {
    refreshPlaces();
    long now = clock.getAsLong();
    // A look first, sharing the lock with batches: the exclusive one only when some agent must go.
    membership.readLock().lock();
    try {
      if (gone(now).isEmpty()) {
        return;
      }
    } finally {
      membership.readLock().unlock();
    }
    membership.writeLock().lock();
    try {
      for (AgentRecord a : gone(now)) {
        depart(a, "gone for more than " + limits.agentExpiryNanos() / 1_000_000_000L + " s");
      }
    } finally {
      membership.writeLock().unlock();
    }
  }

  /**
   * Drops an agent whose own clock of arrival is not the collector's: one read from Kafka, idle on the
   * record clock for longer than the expiry (its consumer decides: docs/RATIONALE.md, "When an agent
   * goes"). As {@link #expire} drops one gone too long, its figures stay in the totals as departed; its
   * stream (the consumer's session for it) must have ended first.
   *
   * @return whether it was held, and dropped
   */
  public boolean expire(AgentId id, String why) {
    membership.writeLock().lock();
    try {
      AgentRecord agent = agents.get(id);
      if (agent == null || agent.stream != null) {
        return false;
      }
      depart(agent, why);
      return true;
    } finally {
      membership.writeLock().unlock();
    }
  }

  /** How long an agent may be gone before it is dropped ({@code --agent-expiry}). */
  public long agentExpiryNanos() {
    return limits.agentExpiryNanos();
  }

  /**
   * Nodes' zones and regions from Kubernetes' Node labels, for agents that name none: a change is a
   * change of who the agents are (their conversations' classes depend on it), as a Hello's would be.
   */
  private void refreshPlaces() {
    ClusterMetadata metadata = placer.metadata();
    if (metadata == null) {
      return;
    }
    membership.readLock().lock();
    try {
      if (agents.values().stream().allMatch(a -> a.apiPlace.equals(metadata.node(a.node())))) {
        return;
      }
    } finally {
      membership.readLock().unlock();
    }
    membership.writeLock().lock();
    try {
      for (AgentRecord a : agents.values()) {
        NodePlace place = metadata.node(a.node());
        if (!a.apiPlace.equals(place)) {
          synchronized (a) {
            a.apiPlace = place;
          }
          LOG.log(Level.INFO, "node " + a.node() + " runs in zone " + place.zone() + ", region " + place.region()
              + " (its Node's labels)" + (a.identity.place().zoneKnown() ? "; its agent's --zone "
              + a.identity.place().zone() + " holds" : ""));
        }
      }
      viewsStale = true;
      labelsStale = true;
      tagGeneration++;
    } finally {
      membership.writeLock().unlock();
    }
  }

  /** The agents without a stream for longer than the expiry. Under the membership lock. */
  private List<AgentRecord> gone(long now) {
    List<AgentRecord> gone = new ArrayList<>();
    for (AgentRecord a : agents.values()) {
      synchronized (a) {
        if (a.stream == null && now - Math.max(a.lastHeardNanos(), a.disconnectedNanos) > limits.agentExpiryNanos()) {
          gone.add(a);
        }
      }
    }
    return gone;
  }

  /**
   * A dropped agent back in the epoch it was dropped in: what it counted leaves the departed figures,
   * since the full state it is asked for brings all of it back.
   */
  private void comeBack(AgentId id, long epoch) {
    DepartedAgent d = departures.remove(id);
    if (d != null && d.epoch() == epoch) {
      departed.computeIfPresent(d.node(), (n, figures) -> figures.minus(d.figures()));
      departedTotal = departedTotal.minus(d.figures());
      LOG.log(Level.INFO, "agent {0} of node {1} is back in the same epoch: its full state replaces its departed figures",
          id.hex(), d.node());
    }
  }

  /** A new agent id for a node held by a disconnected record: that record is a ghost of a restart, retired now. */
  private void retireGhosts(String node, AgentId newcomer) {
    List<AgentRecord> ghosts = new ArrayList<>();
    for (AgentRecord a : agents.values()) {
      if (a.stream == null && a.node().equals(node) && !a.agentId.equals(newcomer)) {
        ghosts.add(a);
      }
    }
    for (AgentRecord a : ghosts) {
      depart(a, "retired: agent " + newcomer.hex() + " now speaks for node " + node);
    }
  }

  /**
   * Drops an agent, keeping what it counted as departed figures. Its addresses leave the known nodes
   * (unless another agent announces them), so every other node's conversations with them are folded
   * first, with the share they had: what those nodes received from it was its to count (it is in
   * its departed figures), and must not count again; what comes after counts as from outside, since
   * no agent is left to count it (docs/RATIONALE.md, "When an agent goes").
   */
  private void depart(AgentRecord agent, String why) {
    ensureTags(agent);
    Departed d = departedFigures(agent.stores());
    departed.merge(agent.node(), d, Departed::plus);
    departedTotal = departedTotal.plus(d);
    departures.put(agent.agentId, new DepartedAgent(agent.node(), agent.current.epoch,
        departedFigures(List.of(agent.current)), agent.owner));
    if (departures.size() > REMEMBERED_DEPARTURES) {
      departures.remove(departures.keySet().iterator().next());
    }
    remove(agent);
    metrics.departed();
    LOG.log(Level.INFO, "agent dropped: node {0}, agent {1}: {2}; its figures stay in the totals", agent.node(),
        agent.agentId.hex(), why);
  }

  /**
   * An agent leaves the collector with its conversations; its addresses that no one else holds leave
   * the known nodes, others' conversations with them folded first. Under the write lock.
   */
  private void remove(AgentRecord agent) {
    agents.remove(agent.agentId);
    long held = 0;
    for (EpochStore e : agent.stores()) {
      held += e.store.size();
    }
    conversations.addAndGet(-held);
    foldConversationsWith(leaving(agent), leavingNode(agent));
    unclaim(agent);
    viewsStale = true;
  }

  /** The agent's addresses no other agent announces and no node record holds: those that leave with it. */
  private Set<IpAddress> leaving(AgentRecord agent) {
    Set<IpAddress> leaving = new HashSet<>();
    for (IpAddress address : agent.addresses()) {
      if (!knownBeside(address, agent, null)) {
        leaving.add(address);
      }
    }
    return leaving;
  }

  /**
   * The agent's node, if no other agent held runs on it and no node record names it: a node that
   * leaves with the agent (its pods' conversations with other nodes fold); else {@link ConversationStore#NO_NODE}.
   */
  private int leavingNode(AgentRecord agent) {
    return nodeKnownBeside(agent.node(), agent, null) ? ConversationStore.NO_NODE : agent.nodeId;
  }

  /**
   * Whether an address is a node's other than by {@code agent} and {@code record} (either may be
   * null, for none): another agent held announces it, or another node record holds it. The one rule
   * for when an address leaves the known nodes or joins them. Under the membership lock.
   */
  private boolean knownBeside(IpAddress address, AgentRecord agent, AgentIdentity record) {
    return owners.getOrDefault(address, List.of()).stream().anyMatch(a -> a != agent)
        || recordedAddresses.getOrDefault(address, List.of()).stream().anyMatch(r -> r != record);
  }

  /** As {@link #knownBeside(IpAddress, AgentRecord, AgentIdentity)}, for a node's name: another agent held runs on it, or its record is another. */
  private boolean nodeKnownBeside(String node, AgentRecord agent, AgentIdentity record) {
    AgentIdentity itsRecord = recorded.get(node);
    return agentsByNode.getOrDefault(node, List.of()).stream().anyMatch(a -> a != agent)
        || itsRecord != null && itsRecord != record;
  }

  /**
   * Addresses about to stop being a node's, and a node about to stop being known (or
   * {@link ConversationStore#NO_NODE}): every agent's conversations with them, and with the pods that
   * were on that node, fold into its "other" first, with the tags they have now (the node still
   * known), so what was its to count is not counted again as from outside. Under the write lock,
   * before they leave.
   */
  private void foldConversationsWith(Set<IpAddress> leaving, int leavingNode) {
    if (leaving.isEmpty() && leavingNode == ConversationStore.NO_NODE) {
      return;
    }
    for (AgentRecord a : agents.values()) {
      synchronized (a) {
        ensureTags(a);
        for (EpochStore e : a.stores()) {
          int[] with = withRemoteIn(e.store, leaving, leavingNode);
          if (with.length > 0) {
            conversations.addAndGet(-e.store.fold(with, x -> {
              for (LiveView v : views(a)) {
                v.fold(e.store, x, a.nodeId);
              }
            }));
          }
        }
      }
    }
  }

  // Sharing Kafka's partitions: agents handed over, nodes known from their records

  /**
   * An agent whose records another collector reads from now on (its partition was revoked or lost):
   * it leaves this collector's views without a trace of its current epoch, which its new owner
   * rebuilds from the log (its latest full state and the batches after), so the collectors' figures
   * still add up to each byte once. Its earlier epochs, which no full state holds, stay here as
   * departed figures, as a departed agent's do. Its stream must have ended first.
   *
   * @return whether the agent was held
   */
  public boolean handOver(AgentId id, String why) {
    membership.writeLock().lock();
    try {
      AgentRecord agent = agents.get(id);
      if (agent == null) {
        return false;
      }
      ensureTags(agent);
      if (agent.earlier != null) {
        Departed d = departedFigures(List.of(agent.earlier));
        departed.merge(agent.node(), d, Departed::plus);
        departedTotal = departedTotal.plus(d);
      }
      remove(agent);
      LOG.log(Level.INFO, "agent handed over: node {0}, agent {1}, epoch {2}: {3}", agent.node(), id.hex(),
          Long.toString(agent.current.epoch), why);
      return true;
    } finally {
      membership.writeLock().unlock();
    }
  }

  /**
   * A node's record (Kafka's node topic): its addresses are a node's, counted by its sender, whether
   * its agent speaks to this collector or another. A record replaces the node's earlier one; an
   * address it no longer holds leaves as a departing agent's do ({@link #nodeRecordRemoved}).
   */
  public void nodeRecord(AgentIdentity identity) {
    membership.writeLock().lock();
    try {
      AgentIdentity old = recorded.get(identity.node());
      if (old != null && old.addresses().equals(identity.addresses()) && old.place().equals(identity.place())) {
        recorded.put(identity.node(), identity);
        return;
      }
      if (old != null) {
        forgetRecord(old, Set.copyOf(identity.addresses()), false);
      }
      recorded.put(identity.node(), identity);
      // A node named for the first time: its pods' conversations become its to count.
      boolean grew = placer.kubernetes() && old == null && !nodeKnownBeside(identity.node(), null, identity);
      for (IpAddress address : identity.addresses()) {
        grew |= !knownBeside(address, null, null);
        recordedAddresses.computeIfAbsent(address, x -> new ArrayList<>(1)).add(identity);
      }
      labelsStale = true;
      tagGeneration++; // a place may have changed: the classes of conversations with it
      viewsStale = true;
      if (grew) {
        knownGrowth++;
      }
    } finally {
      membership.writeLock().unlock();
    }
  }

  /** A node's record removed (a tombstone: the node is gone for good): its addresses leave the known nodes. */
  public void nodeRecordRemoved(String node) {
    membership.writeLock().lock();
    try {
      AgentIdentity old = recorded.remove(node);
      if (old != null) {
        forgetRecord(old, Set.of(), true);
        labelsStale = true;
        tagGeneration++;
        viewsStale = true;
      }
    } finally {
      membership.writeLock().unlock();
    }
  }

  /**
   * A record's addresses leave (but those in {@code kept}), and its node if {@code nodeLeaves} and no
   * agent held runs on it; what no one else holds folds first. Under the write lock, the record no
   * longer in {@link #recorded} if its node leaves.
   */
  private void forgetRecord(AgentIdentity old, Set<IpAddress> kept, boolean nodeLeaves) {
    Set<IpAddress> leaving = new HashSet<>();
    for (IpAddress address : old.addresses()) {
      if (!kept.contains(address) && !knownBeside(address, null, old)) {
        leaving.add(address);
      }
    }
    foldConversationsWith(leaving, nodeLeaves && !nodeKnownBeside(old.node(), null, old)
        ? nodeNames.id(old.node()) : ConversationStore.NO_NODE);
    for (IpAddress address : old.addresses()) {
      List<AgentIdentity> claims = recordedAddresses.get(address);
      if (claims != null && claims.remove(old) && claims.isEmpty()) {
        recordedAddresses.remove(address);
      }
    }
  }

  /** Nodes known from their records. */
  public int recordedNodes() {
    membership.readLock().lock();
    try {
      return recorded.size();
    } finally {
      membership.readLock().unlock();
    }
  }

  /** The conversations with an address of {@code addresses}, or with a pod that was on node {@code node}. */
  private static int[] withRemoteIn(ConversationStore store, Set<IpAddress> addresses, int node) {
    int[] found = new int[store.size()];
    int n = 0;
    for (int e = 0; e < store.size(); e++) {
      long meta = store.keyField(e, PackedKey.META);
      IpAddress remote = new IpAddress(PackedKey.version(meta), store.keyField(e, PackedKey.REMOTE_HIGH),
          store.keyField(e, PackedKey.REMOTE_LOW));
      if (addresses.contains(remote) || node != ConversationStore.NO_NODE && store.remoteNode(e) == node) {
        found[n++] = e;
      }
    }
    return Arrays.copyOf(found, n);
  }

  /** Agent epochs' figures as departed: their totals, their shares of the cluster, their cost by price. */
  private Departed departedFigures(List<EpochStore> epochs) {
    Volume node = Volume.ZERO;
    Volume share = Volume.ZERO;
    Volume unturned = Volume.ZERO;
    Map<Integer, Long> cost = new HashMap<>();
    for (EpochStore e : epochs) {
      ConversationStore s = e.store;
      node = node.plus(s.aggregate(ConversationStore.TOTALS));
      share = share.plus(s.aggregate(ConversationStore.OTHER_SHARE));
      unturned = unturned.plus(s.aggregate(ConversationStore.OTHER_UNTURNED));
      for (int c = 0; c < s.size(); c++) {
        ClusterShare cs = ConversationTag.share(s.tag(c));
        share = share.plus(cs.of(s.cumulative(c)));
        unturned = unturned.plus(cs.unturned(s.cumulative(c)));
      }
      CostParts.visit(s, unattributed, (entry, price, bytes) -> cost.merge(price, bytes, Long::sum));
    }
    return new Departed(node, share, unturned, cost);
  }

  // Views

  /**
   * Starts keeping {@code view} up to date: built agent by agent, under each agent's lock, and
   * registered on the agent in the same step, so each of its batches is in the view once: before
   * the step in its store (and read by the build), after it applied to the view as well. The
   * membership lock is held for one agent at a time, not the whole build, so a Hello waits for one
   * agent's step, not for a million conversations (and the batches queued behind the Hello with it);
   * who the agents are may change meanwhile, and a change makes the views stale, built again before
   * their next reading ({@link #refreshViews}).
   */
  public void attach(LiveView view) {
    viewBuilds.lock();
    try {
      List<AgentRecord> held;
      membership.readLock().lock();
      try {
        views.add(view);
        view.advanceTo(latestSlot(view.spec()));
        held = List.copyOf(agents.values());
      } finally {
        membership.readLock().unlock();
      }
      for (AgentRecord a : held) {
        registerIfHeld(a, List.of(view));
      }
      membership.readLock().lock();
      try {
        view.addDeparted(departedFor(view.spec()));
      } finally {
        membership.readLock().unlock();
      }
    } finally {
      viewBuilds.unlock();
    }
  }

  /** Registers the views on an agent still held, under the membership lock and the agent's. */
  private void registerIfHeld(AgentRecord a, List<LiveView> toRegister) {
    membership.readLock().lock();
    try {
      if (agents.get(a.agentId) == a) {
        synchronized (a) {
          for (LiveView v : toRegister) {
            register(v, a);
          }
        }
      }
    } finally {
      membership.readLock().unlock();
    }
  }

  /** Stops keeping {@code view} up to date (its last subscriber left). */
  public void detach(LiveView view) {
    viewBuilds.lock();
    membership.readLock().lock();
    try {
      views.remove(view);
      for (AgentRecord a : agents.values()) {
        synchronized (a) {
          a.views.remove(view);
        }
      }
    } finally {
      membership.readLock().unlock();
      viewBuilds.unlock();
    }
  }

  /**
   * Builds every view again if who the agents are changed since (a node became known or left, a
   * node's name, place or addresses changed): the conversations are tagged again with the nodes
   * known now (and, where a node became known, "other"'s shares derived again), then each view
   * built as {@link #attach} builds it, an agent at a time. Once, before the next reading, however
   * many changes came: a thousand agents connecting within a second make one build, not a thousand.
   * A change during the build makes them stale again, for the next reading.
   */
  public void refreshViews() {
    if (!viewsStale) {
      return;
    }
    viewBuilds.lock();
    try {
      List<AgentRecord> held;
      membership.readLock().lock();
      try {
        if (!viewsStale) {
          return;
        }
        held = List.copyOf(agents.values());
        for (AgentRecord a : held) {
          synchronized (a) {
            a.views.clear();
          }
        }
        // Only now: a batch applied meanwhile (its agent's lock held, the views still stale) reached
        // no view, and none does until its agent is registered again. Only a change of who the
        // agents are makes the views stale, under the exclusive lock, which this read lock keeps out.
        viewsStale = false;
        for (LiveView v : views) {
          v.clear();
          v.advanceTo(latestSlot(v.spec()));
        }
      } finally {
        membership.readLock().unlock();
      }
      for (AgentRecord a : held) {
        registerIfHeld(a, views);
      }
      membership.readLock().lock();
      try {
        for (LiveView v : views) {
          v.addDeparted(departedFor(v.spec()));
        }
      } finally {
        membership.readLock().unlock();
      }
      metrics.viewsRebuilt();
    } finally {
      viewBuilds.unlock();
    }
  }

  /** The latest slot of the stores in a view's scope ({@link SlotColumns#NONE} if none). */
  private long latestSlot(ViewSpec spec) {
    long latest = SlotColumns.NONE;
    for (AgentRecord a : agents.values()) {
      if (spec.clusterScope() || spec.node().equals(a.node())) {
        synchronized (a) {
          for (EpochStore e : a.stores()) {
            latest = Math.max(latest, e.store.latestSlot());
          }
        }
      }
    }
    return latest;
  }

  /** The view takes the agent's stores and its batches, if the agent is in its scope. Under the agent's lock. */
  private void register(LiveView view, AgentRecord agent) {
    ensureTags(agent);
    if (view.spec().clusterScope() || view.spec().node().equals(agent.node())) {
      for (EpochStore e : agent.stores()) {
        view.addStore(e.store, agent.nodeId, 1);
      }
      agent.views.add(view);
    }
  }

  private void forEachStore(AgentRecord agent, int sign) {
    if (viewsStale) {
      return;
    }
    for (LiveView v : agent.views) {
      for (EpochStore e : agent.stores()) {
        v.addStore(e.store, agent.nodeId, sign);
      }
    }
  }

  private Departed departedFor(ViewSpec spec) {
    return spec.clusterScope() ? departedTotal : departed.getOrDefault(spec.node(), Departed.NONE);
  }

  /** The names rows are shown with, as of now. */
  public Labels labels() {
    if (labelsStale) {
      membership.readLock().lock();
      try {
        synchronized (owners) {
          if (labelsStale) {
            labelsStale = false;
            Map<IpAddress, String> names = new HashMap<>();
            recordedAddresses.forEach((address, claims) -> names.put(address, claims.getLast().node()));
            owners.forEach((address, claims) -> names.put(address, claims.getLast().node()));
            Map<String, List<IpAddress>> addressesByNode = new HashMap<>();
            for (AgentRecord a : agents.values()) {
              addressesByNode.computeIfAbsent(a.node(), n -> new ArrayList<>()).addAll(a.addresses());
            }
            recorded.forEach((node, identity) -> addressesByNode.putIfAbsent(node, identity.addresses()));
            labels = new NodeLabels(names, addressesByNode, nodeNames, classNames, placer.placements());
          }
        }
      } finally {
        membership.readLock().unlock();
      }
    }
    return labels;
  }

  /** The class id of "unattributed", what views file folded traffic under. */
  public int unattributedClass() {
    return unattributed;
  }

  // Tags

  /**
   * What stands for {@code remote} in the agent's conversations under {@code --mask-remote}: a public
   * address that is no node's is masked, to a stand-in of the same destination class (decided before
   * masking, so the cost classes stay exact), and none that is a node's (each byte once needs them).
   */
  private IpAddress masked(AgentRecord agent, IpAddress remote) {
    String[] classOf = {null};
    return mask.mask(remote, a -> ownerOf(a) != null, candidate -> {
      if (classOf[0] == null) {
        classOf[0] = classifier.classify(agent.place(), agent.addresses(), remote, null);
      }
      return classOf[0].equals(classifier.classify(agent.place(), agent.addresses(), candidate, null));
    });
  }

  /**
   * A new conversation of the agent's store, with its remote end's node ({@link #remoteNodeAt}) and
   * its tag ({@link #tag}).
   */
  private int insert(AgentRecord agent, ConversationStore store, long k0, long k1, long k2, long k3, long k4,
      int remoteNode) {
    int e = store.insert(k0, k1, k2, k3, k4, tag(agent, k0, k1, k2, k3, k4, remoteNode));
    store.setRemoteNode(e, remoteNode);
    return e;
  }

  /**
   * The node of the pod that held a new conversation's remote end when it was first seen, as an id
   * of the node names, or {@link ConversationStore#NO_NODE} (no pod did, as far as the API had shown;
   * or Kubernetes is not read): decided once, never looked up again ({@link Placer#nodeOfPod}).
   */
  private int remoteNodeAt(long remoteHigh, long remoteLow, long meta, long unixNanos) {
    String node = placer.nodeOfPod(new IpAddress(PackedKey.version(meta), remoteHigh, remoteLow), unixNanos);
    return node == null ? ConversationStore.NO_NODE : nodeNames.id(node);
  }

  /**
   * The nodes of a store's remote ends as they were decided, by conversation key (none without
   * Kubernetes: nothing was decided). For a full state, which replaces the store.
   */
  private Map<FlowKey, Integer> remoteNodes(ConversationStore store) {
    if (!placer.kubernetes()) {
      return Map.of();
    }
    Map<FlowKey, Integer> nodes = new HashMap<>(store.size() * 2);
    for (int e = 0; e < store.size(); e++) {
      nodes.put(store.key(e), store.remoteNode(e));
    }
    return nodes;
  }

  /**
   * A conversation's cluster share and class, with the nodes known now. Its remote end is a node's
   * if its address is one's, or if it was a pod's on a node known now ({@code remoteNode}, decided
   * when the conversation came), but for a pod on the agent's own node: no other agent reports that
   * conversation, so it is the agent's alone to count.
   */
  private int tag(AgentRecord agent, long localHigh, long localLow, long remoteHigh, long remoteLow, long meta,
      int remoteNode) {
    IpAddress remote = new IpAddress(PackedKey.version(meta), remoteHigh, remoteLow);
    NodePlace node = placeOfNode(remote);
    if (node == null && remoteNode != ConversationStore.NO_NODE && remoteNode != agent.nodeId) {
      node = placeOfNodeNamed(nodeNames.name(remoteNode));
    }
    ClusterShare share = ClusterShare.of(node != null,
        PackedKey.remoteAbove(localHigh, localLow, remoteHigh, remoteLow));
    String costClass = classifier.classify(agent.place(), agent.addresses(), remote, node);
    return ConversationTag.of(share, classNames.id(costClass));
  }

  /** The agent's conversations tagged with the membership as it is now, if they were not. Under the agent's lock. */
  private void ensureTags(AgentRecord agent) {
    int generation = tagGeneration;
    int growth = knownGrowth;
    for (EpochStore e : agent.stores()) {
      if (e.shareGeneration != growth) {
        // A node became known since: what the store folded into "other" shares only what it sent
        // from now on (the remote ends of what was folded are not kept).
        e.store.reshareOther();
        e.shareGeneration = growth;
      }
      if (e.tagGeneration != generation) {
        ConversationStore store = e.store;
        for (int c = 0; c < store.size(); c++) {
          store.setTag(c, tag(agent, store.keyField(c, 0), store.keyField(c, 1), store.keyField(c, 2),
              store.keyField(c, 3), store.keyField(c, 4), store.remoteNode(c)));
        }
        e.tagGeneration = generation;
      }
    }
  }

  /** The views an agent's changes go to: none while they wait to be built again. Under the agent's lock. */
  private List<LiveView> views(AgentRecord agent) {
    return viewsStale ? List.of() : agent.views;
  }

  // The collector-wide limit

  private void foldCollectorWideIfOver() {
    if (conversations.get() > limits.maxConversations() && collectorWideFold.tryLock()) {
      try {
        foldCollectorWide();
      } finally {
        collectorWideFold.unlock();
      }
    }
  }

  /**
   * Past {@code maxConversations} in the whole collector, the idlest conversations of all agents
   * fold into their stores' "other" until 90 % of the limit remain: one order over every agent
   * ({@link FoldRule#idleness}), read agent by agent, then each agent's share of it folded under its
   * lock.
   */
  private void foldCollectorWide() {
    membership.readLock().lock();
    try {
      long total = conversations.get();
      int keep = FoldRule.target(limits.maxConversations());
      if (total <= limits.maxConversations()) {
        return;
      }
      long[] idleness = new long[(int) Math.min(Integer.MAX_VALUE - 8, total + 1024)];
      int n = 0;
      for (AgentRecord a : agents.values()) {
        synchronized (a) {
          for (EpochStore e : a.stores()) {
            for (int c = 0; c < e.store.size() && n < idleness.length; c++) {
              idleness[n++] = e.store.idleness(c);
            }
          }
        }
      }
      int fold = n - keep;
      if (fold <= 0) {
        return;
      }
      long[] sorted = Arrays.copyOf(idleness, n);
      Arrays.sort(sorted);
      long threshold = sorted[fold - 1];
      long below = 0;
      while (below < fold && sorted[(int) below] < threshold) {
        below++;
      }
      long[] atThreshold = {fold - below};
      long folded = 0;
      for (AgentRecord a : agents.values()) {
        synchronized (a) {
          ensureTags(a);
          for (EpochStore e : a.stores()) {
            int[] chosen = new int[e.store.size()];
            int k = 0;
            for (int c = 0; c < e.store.size(); c++) {
              long i = e.store.idleness(c);
              if (i < threshold || i == threshold && atThreshold[0]-- > 0) {
                chosen[k++] = c;
              }
            }
            if (k > 0) {
              folded += e.store.fold(Arrays.copyOf(chosen, k), c -> {
                for (LiveView v : views(a)) {
                  v.fold(e.store, c, a.nodeId);
                }
              });
            }
          }
        }
      }
      conversations.addAndGet(-folded);
      metrics.folded(folded);
    } finally {
      membership.readLock().unlock();
    }
  }

  /** Conversations held now, every agent and epoch. */
  public long conversations() {
    return conversations.get();
  }

  // Readers

  @Override
  public <T> T read(Function<ClusterFigures, T> reader) {
    membership.readLock().lock();
    try {
      return reader.apply(this);
    } finally {
      membership.readLock().unlock();
    }
  }

  @Override
  public void forEachAgent(Consumer<AgentFigures> reader) {
    for (AgentRecord a : agents.values()) {
      synchronized (a) {
        ensureTags(a);
        reader.accept(a);
      }
    }
  }

  @Override
  public String nodeOf(IpAddress address) {
    AgentRecord a = ownerOf(address);
    if (a != null) {
      return a.node();
    }
    List<AgentIdentity> claims = recordedAddresses.get(address);
    return claims == null ? null : claims.getLast().node();
  }

  @Override
  public NodePlace placeOf(IpAddress address) {
    return placeOfNode(address);
  }

  /** Where the node holding an address runs (an agent held here, else a node record), or null for no node's. */
  private NodePlace placeOfNode(IpAddress address) {
    AgentRecord a = ownerOf(address);
    if (a != null) {
      return a.place();
    }
    List<AgentIdentity> claims = recordedAddresses.get(address);
    return claims == null ? null : claims.getLast().place();
  }

  /** Where a node runs (an agent held here on it, else its record), or null for a node not known. Under the membership lock. */
  private NodePlace placeOfNodeNamed(String node) {
    List<AgentRecord> held = agentsByNode.get(node);
    if (held != null) {
      return held.getLast().place();
    }
    AgentIdentity record = recorded.get(node);
    return record == null ? null : record.place();
  }

  @Override
  public NameTable classNames() {
    return classNames;
  }

  @Override
  public Departed departed() {
    membership.readLock().lock();
    try {
      return departedTotal;
    } finally {
      membership.readLock().unlock();
    }
  }

  /**
   * Told, with the agents held still, of an agent epoch about to end (the agent restarted): its
   * figures are about to join the earlier epochs'. Set once, before agents connect.
   */
  public void onEpochEnd(EpochEndListener listener) {
    membership.writeLock().lock();
    try {
      this.epochEnd = listener;
    } finally {
      membership.writeLock().unlock();
    }
  }

  /** See {@link #onEpochEnd}. */
  @FunctionalInterface
  public interface EpochEndListener {
    void ending(AgentFigures agent, EpochFigures ending);
  }

  @Override
  public long nowNanos() {
    return clock.getAsLong();
  }

  @Override
  public int connectedAgents() {
    membership.readLock().lock();
    try {
      return (int) agents.values().stream().filter(AgentRecord::connected).count();
    } finally {
      membership.readLock().unlock();
    }
  }

  @Override
  public int agentCount() {
    membership.readLock().lock();
    try {
      return agents.size();
    } finally {
      membership.readLock().unlock();
    }
  }

  /** The agent announcing an address (the latest to claim it), or null. Under the membership lock. */
  private AgentRecord ownerOf(IpAddress address) {
    List<AgentRecord> claims = owners.get(address);
    return claims == null ? null : claims.getLast();
  }

  /**
   * An agent announces its node and addresses (it is new, or they changed). An address no agent
   * announced before makes a node known, and so does a node's name, with Kubernetes read (its pods'
   * conversations): what others counted of its traffic as if from outside is now its own to count, so
   * every conversation is tagged again (agent by agent, before it is next read), "other"'s shares
   * derived again, and the views built again before the next reading. Under the write lock.
   */
  private void claim(AgentRecord agent, AgentIdentity identity) {
    boolean grew = false;
    for (IpAddress address : identity.addresses()) {
      grew |= !knownBeside(address, null, null);
      owners.computeIfAbsent(address, x -> new ArrayList<>(1)).add(agent);
    }
    grew |= placer.kubernetes() && !nodeKnownBeside(identity.node(), null, null);
    agentsByNode.computeIfAbsent(identity.node(), x -> new ArrayList<>(1)).add(agent);
    labelsStale = true;
    if (grew) {
      knownGrowth++;
      tagGeneration++;
      viewsStale = true;
    }
  }

  /** An agent no longer announces its node and addresses (it is dropped, or they changed). Under the write lock. */
  private void unclaim(AgentRecord agent) {
    boolean shrank = false;
    for (IpAddress address : agent.addresses()) {
      List<AgentRecord> claims = owners.get(address);
      if (claims != null && claims.remove(agent) && claims.isEmpty()) {
        owners.remove(address);
        shrank |= !knownBeside(address, null, null);
      }
    }
    List<AgentRecord> onNode = agentsByNode.get(agent.node());
    if (onNode != null && onNode.remove(agent) && onNode.isEmpty()) {
      agentsByNode.remove(agent.node());
      shrank |= placer.kubernetes() && !nodeKnownBeside(agent.node(), null, null);
    }
    labelsStale = true;
    if (shrank) {
      tagGeneration++;
      viewsStale = true;
    }
  }
}
