package io.clustertop.kafka.consume;

import io.clustertop.collector.ingest.IngestService;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.Batch;
import io.clustertop.kafka.shards.ShardAnnouncer;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.FlowWire.Published;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A collector's share of the agents' topic: one member of a consumer group, owning some partitions
 * and hence some agents, whose records go through the collector's own ingest edge
 * ({@link IngestService#session}, one session per agent, {@link AgentFeed}) into its merge.
 *
 * <pre>
 *   node topic ----------------> NodeDirectory (read whole first, then followed) -> MergeStore.nodeRecord
 *   agents' topic (group) -> poll -> per record: AgentFeed -> IngestSession -> MergeStore
 *                               \-> offsets committed once the records are applied
 *   assigned: seek back twice the full-state period; each agent starts at its first full state there
 *   revoked or lost: the agents' sessions end, MergeStore.handOver (their new owner rebuilds them)
 * </pre>
 *
 * <p>Offsets are committed after each poll's records are applied, never ahead of them; a collector
 * that takes over a partition does not start at the committed offset but from its nodes' latest full
 * states, so what a committed offset says is how far the group got (lag), not where a rebuild starts.
 *
 * <p>With an {@link ShardAnnouncer} ({@link #announcing}), the collector's Watch service is announced
 * on the shard topic under its member id once it has joined the group, and withdrawn when it closes:
 * a relay finds it there.
 *
 * <p>Idle agents expire as a gRPC collector's do ({@code --agent-expiry}), on the record clock rather
 * than the collector's: an agent none of whose records was applied for the expiry, while its
 * partition was read that much further (its records' Kafka timestamps; up to the latest record of any
 * partition while its own is read to its end), is dropped, its figures kept in the totals. So a
 * rebuild, or a consumer behind, reading old records never expires a live agent, and a broker away
 * expires nobody (docs/RATIONALE.md, "When an agent goes").
 *
 * <p>What it says (System.Logger): joined the group, partitions assigned and revoked (or lost),
 * rebuilding and rebuilt in N s, an agent waiting for its full state, a gap read.
 *
 * <p>Thread safety: its own thread runs the consumer; {@link #close} from any thread.
 */
public final class ShardConsumer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ShardConsumer.class.getName());
  private static final Duration POLL = Duration.ofMillis(200);
  private static final Duration NODES_WAIT = Duration.ofSeconds(30);
  private static final Duration IDLE_CHECK_EVERY = Duration.ofSeconds(1);

  private final ConsumerSettings settings;
  private final IngestService ingest;
  private final MergeStore merge;
  private final NodeDirectory nodes;
  private final ConsumerMetrics metrics;
  private final Consumer<byte[], byte[]> consumer;
  private final LongSupplier wallMillis;
  private final Thread thread;
  private volatile boolean closed;
  private ShardAnnouncer announcer;

  // The consumer's thread only.
  private final Map<AgentId, AgentFeed> feeds = new HashMap<>();
  private final Map<AgentId, TopicPartition> partitionOf = new HashMap<>();
  private final Set<TopicPartition> owned = new HashSet<>();
  private final Map<TopicPartition, Long> committed = new HashMap<>();
  private final Map<TopicPartition, Long> applied = new HashMap<>();
  /** Partitions being rebuilt, with the end offset when they were assigned. */
  private final Map<TopicPartition, Long> rebuilding = new HashMap<>();
  private long rebuildStartNanos;
  private final Map<AgentFeed.Outcome, Long> rebuildOutcomes = new HashMap<>();
  private boolean joined;
  private String announcedMember;
  /** Per partition, the latest record time read (Kafka's timestamp, milliseconds). */
  private final Map<TopicPartition, Long> readTime = new HashMap<>();
  /** The latest record time read from any partition owned. */
  private long recordClock = Long.MIN_VALUE;
  private long nextIdleCheckNanos;

  /**
   * @param clientId names this collector to the brokers (and in their logs)
   * @param wallMillis the wall clock in milliseconds, for reading back by record time
   */
  public ShardConsumer(ConsumerSettings settings, IngestService ingest, MergeStore merge, String clientId,
      LongSupplier wallMillis) {
    this.settings = settings;
    this.ingest = ingest;
    this.merge = merge;
    this.metrics = new ConsumerMetrics();
    this.nodes = new NodeDirectory(settings, merge, clientId + "-nodes");
    this.metrics.nodes(nodes);
    this.consumer = new KafkaConsumer<>(settings.groupConfig(clientId));
    this.wallMillis = wallMillis;
    this.thread = Thread.ofPlatform().name("clustertop-kafka-consumer").daemon().unstarted(this::run);
  }

  /** Announces the collector's Watch service once it has joined the group, and withdraws it at {@link #close}; before {@link #start}. */
  public ShardConsumer announcing(ShardAnnouncer announcer) {
    this.announcer = announcer;
    return this;
  }

  /** Reads the node records, then joins the group and consumes, on threads of its own. */
  public ShardConsumer start() {
    LOG.log(Level.INFO, "consuming {0} from Kafka at {1} in group {2}; node records from {3}", settings.topic(),
        settings.bootstrap(), settings.group(), settings.nodeTopic());
    nodes.start();
    thread.start();
    return this;
  }

  public ConsumerMetrics metrics() {
    return metrics;
  }

  private void run() {
    try {
      if (!nodes.awaitCaughtUp(NODES_WAIT)) {
        LOG.log(Level.WARNING, "the node records were not all read within {0} s; consuming anyway: traffic with a node"
            + " not known yet counts as from outside until its record comes, and is then derived again",
            NODES_WAIT.toSeconds());
      }
      consumer.subscribe(List.of(settings.topic()), new Listener());
      while (!closed) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (TopicPartition p : records.partitions()) {
          List<ConsumerRecord<byte[], byte[]>> list = records.records(p);
          for (ConsumerRecord<byte[], byte[]> r : list) {
            take(p, r);
          }
          applied.put(p, list.getLast().offset() + 1);
        }
        commit(false, owned);
        checkRebuilt();
        expireIdle();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.log(Level.ERROR, "consuming " + settings.topic() + " failed; this collector takes no more records: " + e, e);
      }
    } finally {
      for (AgentFeed f : feeds.values()) {
        f.end();
      }
      try {
        commit(true, owned);
      } catch (RuntimeException e) {
        // closing: the next owner rebuilds from the full states whatever was committed
      }
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }
  }

  private void take(TopicPartition p, ConsumerRecord<byte[], byte[]> r) {
    Published record = FlowWire.decodeLogRecord(r.value() == null ? new byte[0] : r.value());
    if (record.identity() == null) {
      metrics.unreadable();
      LOG.log(Level.WARNING, "record at {0} offset {1} not taken: {2}", p, Long.toString(r.offset()),
          ((io.clustertop.core.report.Report.Unreadable) record.report()).reason());
      return;
    }
    AgentId id = record.identity().agentId();
    AgentFeed feed = feeds.computeIfAbsent(id, x -> new AgentFeed(x, ingest, "kafka " + p));
    partitionOf.put(id, p);
    AgentFeed.Outcome outcome = feed.take(record, r.timestamp());
    metrics.outcome(outcome);
    readTime.merge(p, r.timestamp(), Math::max);
    recordClock = Math.max(recordClock, r.timestamp());
    if (!rebuilding.isEmpty() && rebuilding.containsKey(p)) {
      rebuildOutcomes.merge(outcome, 1L, Long::sum);
    }
    switch (outcome) {
      case WAITING -> {
        if (feed.sayWaiting()) {
          LOG.log(Level.INFO, "node {0}, agent {1}: waiting for its next full state on {2}; its batches before it are"
              + " in it", record.identity().node(), id.hex(), p);
        }
      }
      case TAKEN, STARTED_FROM_FIRST_BATCH -> {
        if (record.report() instanceof Batch b && b.hasGap()) {
          metrics.gap();
          LOG.log(Level.WARNING, "node {0}: batches {1} to {2} lost ({3} s): its agent dropped them while it could not"
              + " publish; a full state restores its totals", record.identity().node(),
              Long.toString(b.gap().firstSequence()), Long.toString(b.gap().lastSequence()),
              String.format(java.util.Locale.ROOT, "%.1f", (b.gap().endUnixNanos() - b.gap().startUnixNanos()) / 1e9));
        }
      }
      default -> { }
    }
  }

  /** Commits the offsets applied past what was committed, of these partitions. */
  private void commit(boolean sync, Collection<TopicPartition> partitions) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition p : partitions) {
      Long next = applied.get(p);
      if (next != null && next > committed.getOrDefault(p, -1L)) {
        offsets.put(p, new OffsetAndMetadata(next));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    offsets.forEach((p, o) -> committed.put(p, o.offset()));
    if (sync) {
      try {
        consumer.commitSync(offsets, Duration.ofSeconds(10));
      } catch (KafkaException e) {
        metrics.commitFailed();
        LOG.log(Level.WARNING, "committing offsets of {0} failed: {1}", offsets.keySet(), e.getMessage());
      }
    } else {
      consumer.commitAsync(offsets, (done, e) -> {
        if (e != null) {
          metrics.commitFailed();
          LOG.log(Level.WARNING, "committing offsets failed (the next commit carries them): {0}", e.getMessage());
        }
      });
    }
  }

  private void checkRebuilt() {
    if (rebuilding.isEmpty()) {
      return;
    }
    for (Iterator<Map.Entry<TopicPartition, Long>> i = rebuilding.entrySet().iterator(); i.hasNext(); ) {
      Map.Entry<TopicPartition, Long> e = i.next();
      if (consumer.position(e.getKey()) >= e.getValue()) {
        i.remove();
      }
    }
    if (rebuilding.isEmpty()) {
      long nanos = System.nanoTime() - rebuildStartNanos;
      metrics.rebuilt(nanos);
      long fromFullStates = rebuildOutcomes.getOrDefault(AgentFeed.Outcome.STARTED_FROM_FULL_STATE, 0L);
      long fromFirstBatches = rebuildOutcomes.getOrDefault(AgentFeed.Outcome.STARTED_FROM_FIRST_BATCH, 0L);
      long read = rebuildOutcomes.values().stream().mapToLong(Long::longValue).sum();
      long waiting = feeds.values().stream().filter(f -> !f.started()).count();
      LOG.log(Level.INFO, "rebuilt in {0} s: {1} agents from a full state, {2} from their first batch, {3} records read{4}",
          String.format(java.util.Locale.ROOT, "%.2f", nanos / 1e9), fromFullStates, fromFirstBatches, read,
          waiting == 0 ? "" : "; " + waiting + " agents wait for their next full state");
      rebuildOutcomes.clear();
    }
  }

  /**
   * Drops the agents idle on the record clock for longer than the expiry (about once a second): how
   * far their partition was read, in record time (the latest record of any partition while it is read
   * to its end: nothing of it is pending), less the time of their latest record applied.
   */
  private void expireIdle() {
    if (recordClock == Long.MIN_VALUE || System.nanoTime() - nextIdleCheckNanos < 0) {
      return;
    }
    nextIdleCheckNanos = System.nanoTime() + IDLE_CHECK_EVERY.toNanos();
    long clock = Math.min(recordClock, wallMillis.getAsLong()); // a clock ahead of the collector's moves no one
    long expiryMillis = merge.agentExpiryNanos() / 1_000_000;
    List<AgentFeed> idle = new ArrayList<>();
    Map<TopicPartition, Long> through = new HashMap<>();
    for (AgentFeed f : feeds.values()) {
      if (f.started() && through.computeIfAbsent(partitionOf.get(f.id), p -> readThrough(p, clock))
          - f.lastAppliedMillis() > expiryMillis) {
        idle.add(f);
      }
    }
    for (AgentFeed f : idle) {
      feeds.remove(f.id);
      partitionOf.remove(f.id);
      f.end();
      if (merge.expire(f.id, "no record of it in " + expiryMillis / 1000 + " s of its partition's records (Kafka's"
          + " record clock; --agent-expiry)")) {
        metrics.agentExpired();
      }
    }
    metrics.recordClock(clock);
  }

  /** How far partition {@code p} was read, in record time: to {@code clock} when read to its end, else its latest record's. */
  private long readThrough(TopicPartition p, long clock) {
    OptionalLong lag = consumer.currentLag(p);
    return lag.isPresent() && lag.getAsLong() == 0 ? clock : readTime.getOrDefault(p, clock);
  }

  /** Partitions come and go: the group's rebalances, on the consumer's thread (inside poll). */
  private final class Listener implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (!joined) {
        joined = true;
        LOG.log(Level.INFO, "joined group {0}", settings.group());
      }
      String member = consumer.groupMetadata().memberId();
      if (announcer != null && !member.equals(announcedMember)) {
        announcedMember = member;
        announcer.joined(member);
      }
      if (partitions.isEmpty()) {
        return;
      }
      owned.addAll(partitions);
      metrics.partitions(owned.size());
      Duration window = nodes.rebuildWindow();
      long since = wallMillis.getAsLong() - window.toMillis();
      Map<TopicPartition, Long> times = new HashMap<>();
      partitions.forEach(p -> times.put(p, since));
      Map<TopicPartition, OffsetAndTimestamp> from;
      Map<TopicPartition, Long> end;
      try {
        from = consumer.offsetsForTimes(times);
        end = consumer.endOffsets(partitions);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> c : consumer.committed(new HashSet<>(partitions)).entrySet()) {
          if (c.getValue() != null) {
            committed.put(c.getKey(), c.getValue().offset());
          }
        }
      } catch (WakeupException e) {
        throw e; // closing
      } catch (KafkaException e) {
        // The brokers did not say where the window begins (a timeout, a broker restarting): reading the
        // partitions whole rebuilds the same figures, from further back. Nothing to time it against.
        consumer.seekToBeginning(partitions);
        LOG.log(Level.WARNING, "partitions assigned: {0}; where their last {1} s begin is unknown ({2}): reading them"
            + " from their beginning", names(partitions), window.toSeconds(), e.getMessage());
        return;
      }
      long records = 0;
      for (TopicPartition p : partitions) {
        OffsetAndTimestamp at = from.get(p);
        long start = at == null ? end.get(p) : at.offset();
        consumer.seek(p, start);
        if (start < end.get(p)) {
          if (rebuilding.isEmpty()) {
            rebuildStartNanos = System.nanoTime();
          }
          rebuilding.put(p, end.get(p));
          records += end.get(p) - start;
        }
      }
      LOG.log(Level.INFO, "partitions assigned: {0}{1}", names(partitions), records == 0 ? ", nothing to rebuild"
          : "; rebuilding their nodes from the last " + window.toSeconds() + " s of the log (" + records + " records)");
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        commit(true, partitions);
        leave(partitions, "revoked");
      }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      if (!partitions.isEmpty()) {
        leave(partitions, "lost");
      }
    }
  }

  /** Partitions gone to another collector: their agents' sessions end and their current epochs leave the views. */
  private void leave(Collection<TopicPartition> partitions, String how) {
    Set<TopicPartition> gone = new HashSet<>(partitions);
    List<AgentId> agents = new ArrayList<>();
    partitionOf.forEach((id, p) -> {
      if (gone.contains(p)) {
        agents.add(id);
      }
    });
    int handed = 0;
    for (AgentId id : agents) {
      AgentFeed f = feeds.remove(id);
      TopicPartition p = partitionOf.remove(id);
      if (f != null) {
        f.end();
      }
      if (merge.handOver(id, "partition " + p + " " + how)) {
        handed++;
      }
    }
    owned.removeAll(gone);
    gone.forEach(p -> {
      readTime.remove(p);
      rebuilding.remove(p);
      applied.remove(p);
      committed.remove(p);
    });
    metrics.partitions(owned.size());
    metrics.handedOver(handed);
    LOG.log(Level.INFO, "partitions {0}: {1}; {2} agents handed over", how, names(partitions), handed);
  }

  private static String names(Collection<TopicPartition> partitions) {
    TreeSet<String> sorted = new TreeSet<>();
    partitions.forEach(p -> sorted.add(p.toString()));
    return sorted.toString();
  }

  /**
   * Withdraws its announcement, leaves the group (its partitions go to the others), ends the sessions,
   * stops reading the node records.
   */
  @Override
  public void close() {
    if (announcer != null) {
      announcer.close();
    }
    closed = true;
    consumer.wakeup();
    try {
      if (thread.isAlive()) {
        thread.join(TimeUnit.SECONDS.toMillis(20));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    nodes.close();
  }
}
