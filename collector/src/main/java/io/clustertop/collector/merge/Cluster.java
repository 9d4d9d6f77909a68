package io.clustertop.collector.merge;

import com.google.protobuf.ByteString;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Hello;
import io.grpc.Status;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Every agent the collector knows, and the rules that bring their batches together: each batch once
 * (by agent id, epoch and sequence, in sequence order), each byte once (see {@link EpochState}).
 *
 * <pre>
 * stream -> hello(): which agent, which epoch; Ack(applied_through, send_full_state)
 *        -> batch():  duplicate? re-ack. next in sequence? apply, then any held ones that follow.
 *                     ahead? hold it (up to the reorder window). otherwise refuse.
 *        -> fullState(): replaces the epoch's figures; held batches after it follow.
 * views  -> read(): the agents, each locked while it is read.
 * </pre>
 *
 * <p>Messages reach it already checked on their own ({@code MessageValidator}); what it checks needs
 * its state (sequences, epochs, sums over the epoch). A refused message changes nothing; the caller
 * counts it.
 *
 * <p>Thread safety: safe. A read-write lock guards who the agents are: a Hello, a disconnect and
 * deriving the cluster shares again take it exclusively; batches, full states and views share it.
 * Each agent's figures are guarded by the agent itself: a batch holds only its own agent, and a view
 * holds each agent only while it reads that agent's conversations. So a view of 200,000
 * conversations, which takes a second or more, never stops ingestion; it only means one agent's
 * batch may wait for the few microseconds its agent is read. A view is therefore consistent per
 * agent, not across agents: a batch applied during the view may be in it for one agent and not yet
 * for another, as it would be had it arrived a moment later.
 */
public final class Cluster {
  private final LongSupplier clock;
  private final IngestLimits limits;
  private final CollectorMetrics metrics;
  private final ReadWriteLock membership = new ReentrantReadWriteLock();
  private final Map<ByteString, AgentRecord> agents = new LinkedHashMap<>();
  /**
   * Addresses announced by every agent the collector knows, connected or not: traffic from one of
   * them is its own agent's to count (see {@link EpochState#reshare}).
   */
  private Set<IpAddress> knownAddresses = Set.of();
  /** Every held agent's addresses, to label rows with node names and to classify traffic to nodes. */
  private Map<IpAddress, AgentRecord> nodesByAddress = Map.of();
  private EpochEndListener epochEnd = (agent, ending) -> {};
  /** The known addresses changed since the cluster shares were last derived (see {@link #read}). */
  private volatile boolean reshareDue;

  /**
   * @param clock the collector's clock, nanoseconds since the Unix epoch
   */
  public Cluster(LongSupplier clock, IngestLimits limits, CollectorMetrics metrics) {
    this.clock = clock;
    this.limits = limits;
    this.metrics = metrics;
  }

  /**
   * An agent's stream opened with {@code hello} (already validated). A stream is any object that
   * identifies it; a newer stream of the same agent takes over from an older one.
   */
  public Ack hello(Object stream, Hello hello) throws RejectedInput {
    membership.writeLock().lock();
    try {
      return helloExclusive(stream, hello);
    } finally {
      membership.writeLock().unlock();
    }
  }

  private Ack helloExclusive(Object stream, Hello hello) throws RejectedInput {
    ByteString id = hello.getIdentity().getAgentId();
    long epoch = hello.getIdentity().getEpoch();
    AgentRecord agent = agents.get(id);
    boolean sendFullState;
    if (agent == null) {
      if (agents.size() >= limits.maxAgents()) {
        throw reject(Status.Code.RESOURCE_EXHAUSTED, InputProblem.TOO_MANY_AGENTS,
            "the collector holds " + limits.maxAgents() + " agents already (--max-agents)");
      }
      agent = new AgentRecord(id, epoch);
      agents.put(id, agent);
      agent.current.awaitingFullState = true;
      sendFullState = true;
    } else if (epoch == agent.current.epoch) {
      EpochState state = agent.current;
      if (hello.getNewestSequence() < state.appliedThrough) {
        throw reject(Status.Code.FAILED_PRECONDITION, InputProblem.BAD_SEQUENCE,
            "newest sequence " + hello.getNewestSequence() + " is behind " + state.appliedThrough
                + ", already applied in epoch " + epoch + ": a restarted agent takes a new epoch");
      }
      // Batches the agent no longer holds are lost to us: only its full state can bring the totals back.
      if (hello.getOldestHeldSequence() > state.appliedThrough + 1) {
        state.awaitingFullState = true;
      }
      sendFullState = state.awaitingFullState;
    } else if (epoch > agent.current.epoch) {
      epochEnd.ending(agent, agent.current);
      agent.restart(epoch);
      agent.earlier.bound(limits.maxConversationsPerAgent());
      agent.current.awaitingFullState = true;
      sendFullState = true;
    } else {
      throw reject(Status.Code.FAILED_PRECONDITION, InputProblem.BAD_SEQUENCE,
          "epoch " + epoch + " is older than this agent's current epoch " + agent.current.epoch);
    }
    agent.node = hello.getIdentity().getNode();
    agent.zone = orLabel(hello.getIdentity().getZone(), hello, TOPOLOGY_ZONE);
    agent.region = orLabel(hello.getIdentity().getRegion(), hello, TOPOLOGY_REGION);
    agent.addresses = hello.getIdentity().getAddressesList().stream().map(FlowWire::toAddress).toList();
    agent.stream = stream;
    agent.lastHelloNanos = clock.getAsLong();
    streams.put(stream, new StreamBinding(agent, epoch));
    refreshAddresses();
    return ack(agent.current.appliedThrough, sendFullState);
  }

  /** A batch (already validated) on {@code stream}. */
  public Ack batch(Object stream, DeltaBatch batch) throws RejectedInput {
    return withSpeaker(stream, agent -> batch(agent, batch));
  }

  private Ack batch(AgentRecord agent, DeltaBatch batch) throws RejectedInput {
    EpochState state = agent.current;
    long sequence = batch.getSequence();
    if (sequence <= state.appliedThrough || state.held.containsKey(sequence)) {
      metrics.deduplicated();
      return ack(state.appliedThrough, false);
    }
    if (sequence > state.appliedThrough + limits.reorderWindow()) {
      throw reject(Status.Code.OUT_OF_RANGE, InputProblem.BAD_SEQUENCE,
          "sequence " + sequence + " is more than " + limits.reorderWindow() + " ahead of "
              + state.appliedThrough + ", the last applied; send the batches between, or a Gap");
    }
    long bytes = EpochState.bytes(batch.getTotal());
    if (state.acceptedBytes + bytes > IngestLimits.MAX_EPOCH_BYTES) {
      throw reject(Status.Code.INVALID_ARGUMENT, InputProblem.BAD_VOLUME,
          "the epoch's bytes would pass 2^62: counters overflow");
    }
    state.acceptedBytes += bytes;
    state.held.put(sequence, batch);
    drain(agent);
    return ack(state.appliedThrough, false);
  }

  /** A full state (already validated) on {@code stream}: it replaces what we knew of the epoch. */
  public Ack fullState(Object stream, FullState state) throws RejectedInput {
    return withSpeaker(stream, agent -> fullState(agent, state));
  }

  /** What a stream's agent does to its figures: under the shared membership lock and the agent's own. */
  private Ack withSpeaker(Object stream, AgentWork work) throws RejectedInput {
    membership.readLock().lock();
    try {
      AgentRecord agent = speaker(stream);
      synchronized (agent) {
        return work.apply(agent);
      }
    } finally {
      membership.readLock().unlock();
    }
  }

  @FunctionalInterface
  private interface AgentWork {
    Ack apply(AgentRecord agent) throws RejectedInput;
  }

  private Ack fullState(AgentRecord agent, FullState state) {
    long now = clock.getAsLong();
    long first = SlotClock.slotOf(state.getFirstSlotStartUnixNanos());
    agent.current.replaceWith(state, first, SlotClock.slotOf(now), knownAddresses);
    agent.current.bound(limits.maxConversationsPerAgent());
    agent.lastBatchNanos = now;
    metrics.fullStateApplied();
    drain(agent);
    return ack(agent.current.appliedThrough, false);
  }

  /** The stream ended, for whatever reason: its agent is no longer connected (its figures stay). */
  public void disconnected(Object stream) {
    membership.writeLock().lock();
    try {
      StreamBinding binding = streams.remove(stream);
      if (binding != null && binding.agent.stream == stream) {
        binding.agent.stream = null;
        refreshAddresses();
      }
    } finally {
      membership.writeLock().unlock();
    }
  }

  /**
   * Runs {@code reader} with the agents held still (none joins or leaves); it reads each through
   * {@link #forEachAgent}. The cluster shares are derived again here, not at each Hello, if a node
   * became known since: a reshare reads every conversation, and a thousand agents connecting within
   * a second would otherwise make a thousand of them. Batches applied in between already use the new
   * known set, and a reshare derives everything from the node views, so the result is the same.
   */
  public <T> T read(Function<Cluster, T> reader) {
    if (reshareDue) {
      membership.writeLock().lock();
      try {
        if (reshareDue) {
          for (AgentRecord a : agents.values()) {
            for (EpochState e : a.epochs()) {
              e.reshare(knownAddresses);
            }
          }
          reshareDue = false;
        }
      } finally {
        membership.writeLock().unlock();
      }
    }
    membership.readLock().lock();
    try {
      return reader.apply(this);
    } finally {
      membership.readLock().unlock();
    }
  }

  /** Each agent in turn, locked while {@code reader} has it. Only inside {@link #read}. */
  public void forEachAgent(Consumer<AgentRecord> reader) {
    for (AgentRecord a : agents.values()) {
      synchronized (a) {
        reader.accept(a);
      }
    }
  }

  /** The node an address belongs to, or null. Only inside {@link #read}. */
  public String nodeOf(IpAddress address) {
    AgentRecord a = nodesByAddress.get(address);
    return a == null ? null : a.node;
  }

  /** Where the node with this address runs; null if no node has it. Only inside {@link #read}. */
  public NodePlace placeOf(IpAddress address) {
    AgentRecord a = nodesByAddress.get(address);
    return a == null ? null : a.place();
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
    void ending(AgentRecord agent, EpochState ending);
  }

  public long nowNanos() {
    return clock.getAsLong();
  }

  /** Agents with a stream open now. */
  public int connectedAgents() {
    membership.readLock().lock();
    try {
      return (int) agents.values().stream().filter(AgentRecord::connected).count();
    } finally {
      membership.readLock().unlock();
    }
  }

  /** Agents the collector holds figures of. */
  public int agentCount() {
    membership.readLock().lock();
    try {
      return agents.size();
    } finally {
      membership.readLock().unlock();
    }
  }

  private final Map<Object, StreamBinding> streams = new HashMap<>();

  private record StreamBinding(AgentRecord agent, long epoch) {}

  private AgentRecord speaker(Object stream) throws RejectedInput {
    StreamBinding binding = streams.get(stream);
    if (binding == null) {
      throw reject(Status.Code.FAILED_PRECONDITION, InputProblem.PROTOCOL, "a stream begins with a Hello");
    }
    if (binding.agent.stream != stream || binding.agent.current.epoch != binding.epoch) {
      throw reject(Status.Code.ABORTED, InputProblem.SUPERSEDED, "a newer stream of this agent took over");
    }
    return binding.agent;
  }

  /** Applies held batches while the next one in sequence (or one whose Gap covers it) is there. */
  private void drain(AgentRecord agent) {
    EpochState state = agent.current;
    while (!state.awaitingFullState || state.appliedThrough == 0) {
      DeltaBatch next = state.held.get(state.appliedThrough + 1);
      if (next == null) {
        next = firstCoveringGap(state);
      }
      if (next == null) {
        return;
      }
      state.held.remove(next.getSequence());
      long now = clock.getAsLong();
      long slot = Math.min(Math.max(SlotClock.slotOf(next.getEndUnixNanos()), state.lastSlot), SlotClock.slotOf(now));
      if (next.hasGap()) {
        agent.gapSeconds += missedSeconds(next, state.appliedThrough);
      }
      state.apply(next, slot, knownAddresses);
      state.bound(limits.maxConversationsPerAgent());
      state.appliedThrough = next.getSequence();
      state.awaitingFullState = false;
      agent.lastBatchNanos = now;
      metrics.applied();
    }
  }

  /** A held batch whose Gap begins at or before the next sequence: the batches in between are lost. */
  private static DeltaBatch firstCoveringGap(EpochState state) {
    for (DeltaBatch b : state.held.values()) {
      if (b.hasGap() && b.getGap().getFirstSequence() <= state.appliedThrough + 1) {
        return b;
      }
    }
    return null;
  }

  /** The part of a Gap's span we had not applied already (the agent may drop batches it never heard acked). */
  private static double missedSeconds(DeltaBatch batch, long appliedThrough) {
    long first = batch.getGap().getFirstSequence();
    long last = batch.getGap().getLastSequence();
    double seconds = (batch.getGap().getEndUnixNanos() - batch.getGap().getStartUnixNanos()) / 1e9;
    long missed = last - Math.max(first, appliedThrough + 1) + 1;
    return missed <= 0 ? 0 : seconds * missed / (last - first + 1);
  }

  private void refreshAddresses() {
    Set<IpAddress> known = new HashSet<>();
    Map<IpAddress, AgentRecord> byAddress = new HashMap<>();
    for (AgentRecord a : agents.values()) {
      for (IpAddress address : a.addresses) {
        byAddress.put(address, a);
        known.add(address);
      }
    }
    nodesByAddress = Map.copyOf(byAddress);
    if (!known.equals(knownAddresses)) {
      // A node became known (a new agent, or one back after a collector restart): what others
      // counted of its traffic as if from outside is now its own to count. Every share is derived
      // again before the next read, so the order in which agents arrive changes nothing.
      knownAddresses = Set.copyOf(known);
      reshareDue = true;
    }
  }


  /** Kubernetes' well-known labels, for agents started with labels rather than --zone and --region. */
  private static final String TOPOLOGY_ZONE = "topology.kubernetes.io/zone";
  private static final String TOPOLOGY_REGION = "topology.kubernetes.io/region";

  private static String orLabel(String given, Hello hello, String label) {
    return given.isEmpty() ? hello.getIdentity().getLabelsOrDefault(label, "") : given;
  }

  private static RejectedInput reject(Status.Code code, InputProblem problem, String message) {
    return new RejectedInput(code, problem, message);
  }

  private static Ack ack(long appliedThrough, boolean sendFullState) {
    return Ack.newBuilder().setAppliedThrough(appliedThrough).setSendFullState(sendFullState).build();
  }
}
