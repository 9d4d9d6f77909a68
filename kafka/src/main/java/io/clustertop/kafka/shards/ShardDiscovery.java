package io.clustertop.kafka.shards;

import com.google.protobuf.InvalidProtocolBufferException;
import io.clustertop.kafka.ClientConfigs;
import io.clustertop.proto.v1.ShardRecord;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A relay's shards, found in the collectors' consumer group: the shard topic read whole and followed
 * (each collector's {@link ShardRecord}, written by its {@link ShardAnnouncer}: where its Watch service
 * is), checked against the group's live membership as the brokers describe it (AdminClient, every
 * {@link #DESCRIBE_EVERY}). A collector is a shard while its record stands and the group holds its
 * member id; so one that stops cleanly leaves at once (its tombstone), and one killed without a word
 * leaves when the group drops it (its session expired: {@code group.consumer.session.timeout.ms}, 45 s
 * by default), not never. Each change is told (joined, left) and logged: joined, left, and why.
 *
 * <pre>
 *   shard topic (compacted, by member id) --&gt; records: member -&gt; Watch host:port
 *   describeConsumerGroups(group), every 2 s --&gt; members: member id -&gt; the host the brokers see
 *   shards = records whose member is in the group; the difference with the last -&gt; joined / left
 * </pre>
 *
 * <p>When the brokers cannot be asked (down, unreachable), the shards stay as they were: their streams
 * say whether they answer, and the relay goes on merging them.
 *
 * <p>Thread safety: its own thread reads, describes and tells the relay; {@link #close} from any thread.
 */
public final class ShardDiscovery implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ShardDiscovery.class.getName());
  private static final Duration POLL = Duration.ofMillis(500);
  /** How often the group's membership is asked for: how soon a collector gone without a word is dropped after the group dropped it. */
  static final Duration DESCRIBE_EVERY = Duration.ofSeconds(2);
  private static final Duration DESCRIBE_WAIT = Duration.ofSeconds(5);

  private final ShardSettings settings;
  private final Consumer<String> joined;
  private final Consumer<String> left;
  private final org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> reader;
  private final Admin admin;
  private final Thread thread;
  private volatile boolean closed;

  // The thread's own.
  private final Map<String, ShardRecord> records = new HashMap<>();
  /** The group's members by id, with the host the brokers see each at; null until the group was first described. */
  private Map<String, String> members;
  private String describeProblem;
  /** The shards told to the relay: address -> member. */
  private final Map<String, String> shards = new LinkedHashMap<>();
  private final Map<String, String> duplicatesSaid = new HashMap<>();

  /**
   * @param joined told each shard ({@code HOST:PORT}) to merge from now on
   * @param left told each shard to drop
   */
  public ShardDiscovery(ShardSettings settings, String clientId, Consumer<String> joined, Consumer<String> left) {
    this.settings = settings;
    this.joined = joined;
    this.left = left;
    this.reader = new KafkaConsumer<>(settings.readerConfig(clientId));
    this.admin = Admin.create(settings.adminConfig(clientId + "-admin"));
    this.thread = Thread.ofPlatform().name("clustertop-shard-discovery").daemon().unstarted(this::run);
  }

  public ShardDiscovery start() {
    LOG.log(Level.INFO, "finding the shards: collectors of group {0} at {1}, announced on {2}", settings.group(),
        settings.bootstrap(), settings.topic());
    thread.start();
    return this;
  }

  private void run() {
    long nextDescribe = System.nanoTime();
    boolean assigned = false;
    boolean saidWaiting = false;
    try {
      while (!closed) {
        if (!assigned) {
          List<PartitionInfo> infos = partitions();
          if (infos != null && !infos.isEmpty()) {
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            assigned = true;
          } else if (!saidWaiting) {
            saidWaiting = true;
            LOG.log(Level.INFO, "the shard topic {0} does not exist yet (the first collector to join creates it); waiting",
                settings.topic());
          }
        }
        if (assigned) {
          for (ConsumerRecord<byte[], byte[]> r : reader.poll(POLL)) {
            take(r);
          }
        } else {
          Thread.sleep(POLL.toMillis());
        }
        if (System.nanoTime() - nextDescribe >= 0) {
          describe();
          nextDescribe = System.nanoTime() + DESCRIBE_EVERY.toNanos();
        }
        reconcile();
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.log(Level.ERROR, "finding the shards failed; the relay keeps the " + shards.size()
            + " it merges and finds no more: " + e, e);
      }
    } finally {
      reader.close(CloseOptions.timeout(Duration.ofSeconds(5)));
      admin.close(Duration.ofSeconds(5));
    }
  }

  /** The shard topic's partitions; none while it does not exist or the brokers do not say. */
  private List<PartitionInfo> partitions() {
    try {
      return reader.partitionsFor(settings.topic(), POLL);
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      return List.of();
    }
  }

  private void take(ConsumerRecord<byte[], byte[]> r) {
    if (r.key() == null) {
      return;
    }
    String member = new String(r.key(), StandardCharsets.UTF_8);
    if (r.value() == null) {
      records.remove(member);
      return;
    }
    try {
      ShardRecord record = ShardRecord.parseFrom(r.value());
      if (!record.getMember().equals(member) || record.getWatchPort() < 1 || record.getWatchPort() > 65535) {
        throw new IllegalArgumentException("its key names member " + member + ", its record " + record.getMember()
            + ", port " + record.getWatchPort());
      }
      records.put(member, record);
    } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
      LOG.log(Level.WARNING, "shard record at {0} offset {1} not taken: {2}", r.topic() + "/" + r.partition(),
          Long.toString(r.offset()), e.getMessage());
    }
  }

  /** The group's members now; on failure the last known stay (said once per outage). */
  private void describe() throws InterruptedException {
    try {
      ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(settings.group())).describedGroups()
          .get(settings.group()).get(DESCRIBE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      Map<String, String> now = new HashMap<>();
      for (MemberDescription m : group.members()) {
        now.put(m.consumerId(), m.host());
      }
      members = now;
      if (describeProblem != null) {
        LOG.log(Level.INFO, "group {0} described again: {1} members", settings.group(), now.size());
        describeProblem = null;
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        members = Map.of(); // no collector has joined it yet
      } else {
        problem(e.getCause().getMessage());
      }
    } catch (TimeoutException | KafkaException e) {
      problem(e.getMessage());
    }
  }

  private void problem(String what) {
    if (describeProblem == null) {
      LOG.log(Level.WARNING, "cannot describe group {0} ({1}): keeping the {2} shards known until it can be",
          settings.group(), what, shards.size());
    }
    describeProblem = what;
  }

  /** The shards as the records and the membership say; the relay told what changed. */
  private void reconcile() {
    if (members == null) {
      return;
    }
    Map<String, String> wanted = new LinkedHashMap<>();
    for (ShardRecord r : new TreeMap<>(records).values()) {
      String seenAt = members.get(r.getMember());
      if (!r.getGroup().equals(settings.group()) || seenAt == null) {
        continue;
      }
      String address = address(r, seenAt);
      String holder = wanted.putIfAbsent(address, r.getMember());
      if (holder != null && !r.getMember().equals(duplicatesSaid.get(address))) {
        duplicatesSaid.put(address, r.getMember());
        LOG.log(Level.WARNING, "members {0} and {1} of group {2} both announce {3}: merged once, so one''s nodes are"
            + " missing; give each collector its own --advertise", holder, r.getMember(), settings.group(), address);
      }
    }
    for (Map.Entry<String, String> s : List.copyOf(shards.entrySet())) {
      String member = s.getValue();
      if (!member.equals(wanted.get(s.getKey()))) {
        shards.remove(s.getKey());
        String why = !records.containsKey(member) ? "it withdrew (stopped)"
            : !members.containsKey(member) ? "no longer a member of group " + settings.group()
                + " (stopped without a word, or its session expired)"
            : "it announces another address now";
        LOG.log(Level.INFO, "shard {0} left: member {1}, {2}; its nodes go to the collectors that take its partitions",
            s.getKey(), member, why);
        left.accept(s.getKey());
      }
    }
    wanted.forEach((address, member) -> {
      if (!shards.containsKey(address)) {
        shards.put(address, member);
        LOG.log(Level.INFO, "shard {0} joined: member {1} of group {2}", address, member, settings.group());
        joined.accept(address);
      }
    });
  }

  /** {@code HOST:PORT} of a record's Watch service: its own host, or the one the brokers see its member at. */
  static String address(ShardRecord record, String memberHost) {
    String host = record.getWatchHost();
    if (host.isEmpty()) {
      // the brokers describe a member's host as an InetAddress prints: "/10.0.0.5" or "name/10.0.0.5"
      host = memberHost.substring(memberHost.lastIndexOf('/') + 1);
    }
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return host + ":" + record.getWatchPort();
  }

  /** Stops following; the shards found stay with the relay, which is stopping too. */
  @Override
  public void close() {
    closed = true;
    reader.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
