package io.clustertop.collector.merge;

import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.Batch;
import io.clustertop.core.report.FullState;
import io.clustertop.core.report.Hello;
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
 * Every agent the collector knows and what each counted: the merge's store. It speaks core types
 * only; the ingest edge decides the order of batches and hands them over one at a time, in sequence.
 *
 * <pre>
 * ingest session -> hello():     which agent, which epoch; Joined(applied through, send full state?)
 *                -> apply():     the next batch of the agent's epoch, each byte once
 *                -> fullState(): replaces what was known of the epoch
 * readers        -> read():      the agents, each locked while it is read
 * </pre>
 *
 * <p>Thread safety: safe. A read-write lock guards who the agents are: a Hello, a disconnect and
 * deriving the cluster shares again take it exclusively; batches, full states and readers share it.
 * Each agent's figures are guarded by the agent itself: a batch holds only its own agent, and a
 * reader holds each agent only while it reads it. A reading is therefore consistent per agent, not
 * across agents: a batch applied during it may be in it for one agent and not yet for another, as it
 * would be had it arrived a moment later.
 */
public final class MergeStore {
  private final LongSupplier clock;
  private final IngestLimits limits;
  private final CollectorMetrics metrics;
  private final ReadWriteLock membership = new ReentrantReadWriteLock();
  private final Map<AgentId, AgentRecord> agents = new LinkedHashMap<>();
  /**
   * Addresses announced by every agent the collector knows, connected or not: traffic from one of
   * them is its own agent's to count.
   */
  private Set<IpAddress> knownAddresses = Set.of();
  /** Every held agent's addresses, to label rows with node names and to classify traffic to nodes. */
  private Map<IpAddress, AgentRecord> nodesByAddress = Map.of();
  private EpochEndListener epochEnd = (agent, ending) -> {};
  /** The known addresses changed since the cluster shares were last derived (see {@link #read}). */
  private volatile boolean reshareDue;

  /** @param clock the collector's clock, nanoseconds since the Unix epoch */
  public MergeStore(LongSupplier clock, IngestLimits limits, CollectorMetrics metrics) {
    this.clock = clock;
    this.limits = limits;
    this.metrics = metrics;
  }

  /**
   * An agent's stream opened with {@code hello} (already validated on its own). A stream is any
   * object that identifies it; a newer stream of the same agent takes over from an older one.
   */
  public Joined hello(Object stream, Hello hello, String peer) throws Refusal {
    membership.writeLock().lock();
    try {
      return helloExclusive(stream, hello, peer);
    } finally {
      membership.writeLock().unlock();
    }
  }

  private Joined helloExclusive(Object stream, Hello hello, String peer) throws Refusal {
    AgentId id = hello.identity().agentId();
    long epoch = hello.identity().epoch();
    AgentRecord agent = agents.get(id);
    boolean sendFullState;
    Joined.How how;
    if (agent == null) {
      if (agents.size() >= limits.maxAgents()) {
        throw new Refusal(Refusal.Kind.LIMIT, InputProblem.TOO_MANY_AGENTS,
            "the collector holds " + limits.maxAgents() + " agents already (--max-agents)");
      }
      agent = new AgentRecord(hello.identity());
      agents.put(id, agent);
      agent.current.awaitingFullState = true;
      sendFullState = true;
      how = Joined.How.NEW;
    } else if (epoch == agent.current.epoch) {
      EpochState state = agent.current;
      if (hello.newestSequence() < state.appliedThrough) {
        throw new Refusal(Refusal.Kind.WRONG_STATE, InputProblem.BAD_SEQUENCE,
            "newest sequence " + hello.newestSequence() + " is behind " + state.appliedThrough
                + ", already applied in epoch " + epoch + ": a restarted agent takes a new epoch");
      }
      // Batches the agent no longer holds are lost to us: only its full state can bring the totals back.
      if (hello.oldestHeldSequence() > state.appliedThrough + 1) {
        state.awaitingFullState = true;
      }
      sendFullState = state.awaitingFullState;
      how = Joined.How.RECONNECTED;
    } else if (epoch > agent.current.epoch) {
      epochEnd.ending(agent, agent.current);
      agent.restart(epoch);
      agent.earlier.bound(limits.maxConversationsPerAgent());
      agent.current.awaitingFullState = true;
      sendFullState = true;
      how = Joined.How.RESTARTED;
    } else {
      throw new Refusal(Refusal.Kind.WRONG_STATE, InputProblem.BAD_SEQUENCE,
          "epoch " + epoch + " is older than this agent's current epoch " + agent.current.epoch);
    }
    agent.identity = hello.identity();
    agent.stream = stream;
    agent.peer = peer;
    agent.lastHelloNanos = clock.getAsLong();
    refreshAddresses();
    return new Joined(new Speaker(agent, stream, epoch), agent.current.appliedThrough, sendFullState, how);
  }

  /** The sequence applied through in the speaker's epoch. */
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
    return withSpeaker(speaker, agent -> agent.current.acceptedBytes);
  }

  /**
   * Applies the speaker's next batch: the one after the last applied, or one whose Gap covers the
   * sequences between (the ingest session holds batches until their turn).
   *
   * @return the sequence applied through
   */
  public long apply(Speaker speaker, Batch batch) throws Refusal {
    return withSpeaker(speaker, agent -> {
      EpochState state = agent.current;
      if (batch.sequence() != state.appliedThrough + 1
          && !(batch.hasGap() && batch.gap().firstSequence() <= state.appliedThrough + 1)) {
        throw new IllegalArgumentException("batch " + batch.sequence() + " is not next after " + state.appliedThrough);
      }
      long now = clock.getAsLong();
      long slot = Math.min(Math.max(SlotClock.slotOf(batch.endUnixNanos()), state.lastSlot), SlotClock.slotOf(now));
      if (batch.hasGap()) {
        agent.gapSeconds += batch.gap().missedSeconds(state.appliedThrough);
      }
      state.apply(batch, slot, knownAddresses);
      state.bound(limits.maxConversationsPerAgent());
      state.appliedThrough = batch.sequence();
      state.awaitingFullState = false;
      agent.lastBatchNanos = now;
      metrics.applied();
      return state.appliedThrough;
    });
  }

  /** A full state: it replaces what was known of the speaker's epoch. @return the sequence applied through */
  public long fullState(Speaker speaker, FullState state) throws Refusal {
    return withSpeaker(speaker, agent -> {
      long now = clock.getAsLong();
      long first = SlotClock.slotOf(state.firstSlotStartUnixNanos());
      agent.current.replaceWith(state, first, SlotClock.slotOf(now), knownAddresses);
      agent.current.bound(limits.maxConversationsPerAgent());
      agent.lastBatchNanos = now;
      metrics.fullStateApplied();
      return agent.current.appliedThrough;
    });
  }

  /** What a speaker's agent does to its figures: under the shared membership lock and the agent's own. */
  private <T> T withSpeaker(Speaker speaker, AgentWork<T> work) throws Refusal {
    membership.readLock().lock();
    try {
      AgentRecord agent = speaker.agent;
      synchronized (agent) {
        if (agent.stream != speaker.stream || agent.current.epoch != speaker.epoch) {
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

  /** The speaker's stream ended, for whatever reason: its agent is no longer connected (its figures stay). */
  public void disconnected(Speaker speaker) {
    membership.writeLock().lock();
    try {
      if (speaker.agent.stream == speaker.stream) {
        speaker.agent.stream = null;
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
  public <T> T read(Function<MergeStore, T> reader) {
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
    return a == null ? null : a.node();
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

  private void refreshAddresses() {
    Set<IpAddress> known = new HashSet<>();
    Map<IpAddress, AgentRecord> byAddress = new HashMap<>();
    for (AgentRecord a : agents.values()) {
      for (IpAddress address : a.addresses()) {
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
}
