package io.clustertop.kafka.consume;

import com.google.protobuf.InvalidProtocolBufferException;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.core.report.AgentIdentity;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.NodeRecord;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * The node topic, read whole and followed by every collector (no group: each reads every record):
 * which addresses are nodes', wherever their agents' records are consumed, so that traffic between
 * two nodes counts once, from its sender, whichever shards hold them. Each record goes to the merge
 * ({@link MergeStore#nodeRecord}); a tombstone (a null value) removes the node
 * ({@link MergeStore#nodeRecordRemoved}).
 *
 * <p>Also how often each node's agent publishes a full state: a rebuild reads back twice the
 * longest ({@link #rebuildWindow}).
 *
 * <p>Thread safety: its own thread reads; {@link #rebuildWindow} and the counters from any thread.
 */
public final class NodeDirectory implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(NodeDirectory.class.getName());
  private static final Duration POLL = Duration.ofMillis(500);

  private final ConsumerSettings settings;
  private final MergeStore merge;
  private final Consumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  /** Each node's full-state period in seconds, by name. Guarded by this. */
  private final Map<String, Integer> periods = new HashMap<>();
  private volatile long recordsRead;
  private volatile long unreadable;
  private volatile boolean closed;

  public NodeDirectory(ConsumerSettings settings, MergeStore merge, String clientId) {
    this.settings = settings;
    this.merge = merge;
    this.consumer = new KafkaConsumer<>(settings.nodeReaderConfig(clientId));
    this.thread = Thread.ofPlatform().name("clustertop-kafka-nodes").daemon().unstarted(this::run);
  }

  public void start() {
    thread.start();
  }

  /** Waits until every record on the topic when it started was read; false if that took longer than {@code timeout}. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How far back a rebuild reads: twice the longest full-state period of the nodes known (or of the default). */
  public synchronized Duration rebuildWindow() {
    int longest = (int) settings.defaultFullStatePeriod().toSeconds();
    for (int p : periods.values()) {
      longest = Math.max(longest, p);
    }
    return Duration.ofSeconds(2L * longest);
  }

  public long recordsRead() {
    return recordsRead;
  }

  public long unreadable() {
    return unreadable;
  }

  private void run() {
    try {
      List<TopicPartition> partitions = partitions();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      LOG.log(Level.INFO, "reading the node records of {0} ({1} records)", settings.nodeTopic(),
          end.values().stream().mapToLong(Long::longValue).sum());
      boolean told = false;
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
          take(r);
        }
        if (!told && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
          told = true;
          caughtUp.countDown();
          LOG.log(Level.INFO, "node records read: {0} nodes known; following {1}", merge.recordedNodes(),
              settings.nodeTopic());
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.log(Level.ERROR, "reading the node records failed; nodes on other shards are no longer followed: " + e, e);
      }
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  /** The node topic's partitions, waiting for the topic to exist (the agents create it). */
  private List<TopicPartition> partitions() {
    boolean said = false;
    while (!closed) {
      List<PartitionInfo> infos = consumer.partitionsFor(settings.nodeTopic(), Duration.ofSeconds(10));
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      }
      if (!said) {
        said = true;
        LOG.log(Level.INFO, "the node topic {0} does not exist yet (agents create it); waiting", settings.nodeTopic());
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WakeupException();
      }
    }
    throw new WakeupException();
  }

  private void take(ConsumerRecord<byte[], byte[]> r) {
    recordsRead++;
    if (r.key() == null) {
      unreadable++;
      return;
    }
    String node = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      synchronized (this) {
        periods.remove(node);
      }
      merge.nodeRecordRemoved(node);
      LOG.log(Level.INFO, "node {0} removed (a tombstone on {1})", node, settings.nodeTopic());
      return;
    }
    try {
      NodeRecord record = NodeRecord.parseFrom(r.value());
      AgentIdentity identity = FlowWire.fromProto(record.getIdentity());
      if (!identity.node().equals(node)) {
        throw new IllegalArgumentException("its key names node " + node + " and its identity " + identity.node());
      }
      synchronized (this) {
        periods.put(node, Math.max(1, record.getFullStatePeriodSeconds()));
      }
      merge.nodeRecord(identity);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      unreadable++;
      LOG.log(Level.WARNING, "node record at {0} offset {1} not taken: {2}", r.topic() + "/" + r.partition(),
          Long.toString(r.offset()), e.getMessage());
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
