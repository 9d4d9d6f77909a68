package io.clustertop.kafka.shards;

import io.clustertop.core.retry.Backoff;
import io.clustertop.kafka.publish.TopicSetup;
import io.clustertop.proto.v1.ShardRecord;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * A collector's announcement on the shard topic: where its Watch service is reachable, under its
 * member id in the consumer group, written once it has joined the group (and again if the group gave
 * it a new id), so a relay finds it ({@link ShardDiscovery}); a tombstone when it stops cleanly, so a
 * relay drops it at once rather than when the group's membership no longer holds it. Creates the
 * topic when missing (one partition, compacted), as the agents create theirs.
 *
 * <p>What it says (System.Logger): announced, where and as which member; a failure and the retry (until
 * it is written, a relay does not find this collector: its views say nothing of it, and consoles
 * attached to this collector are unaffected); withdrawn.
 *
 * <p>Thread safety: safe; a thread of its own writes.
 */
public final class ShardAnnouncer implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ShardAnnouncer.class.getName());
  private static final Duration SEND_WAIT = Duration.ofSeconds(30);
  private static final Duration TOMBSTONE_WAIT = Duration.ofSeconds(10);

  private final ShardSettings settings;
  private final String host;
  private final int port;
  private final String clientId;
  private final long startedUnixNanos;
  private final ScheduledThreadPoolExecutor worker = new ScheduledThreadPoolExecutor(1,
      r -> Thread.ofPlatform().daemon().name("clustertop-kafka-announcer").unstarted(r));
  private final Backoff backoff = Backoff.between(Duration.ofSeconds(1), Duration.ofSeconds(30));
  // The worker's thread only.
  private Producer<byte[], byte[]> producer;
  private boolean topicSettled;
  /** The member id last asked to be announced, and the one written. */
  private String wanted;
  private String written;

  /**
   * @param host where the Watch service is reachable ({@code --advertise}), or "" for the address the
   *     brokers see this collector's consumer at (it listens on every address and names none)
   * @param port the Watch service's port
   */
  public ShardAnnouncer(ShardSettings settings, String host, int port, String clientId) {
    this.settings = settings;
    this.host = host;
    this.port = port;
    this.clientId = clientId;
    Instant now = Instant.now();
    this.startedUnixNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    worker.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a retry waiting when it closes is dropped
  }

  /** Where it says the Watch service is, as a log line names it. */
  public String describe() {
    return (host.isEmpty() ? "(the address the brokers see it at)" : host) + ":" + port;
  }

  /** The collector is a member of the group with this id: its record is written (again, if the id changed). */
  public void joined(String member) {
    worker.execute(() -> {
      wanted = member;
      announce();
    });
  }

  private void announce() {
    if (wanted == null || wanted.equals(written) || worker.isShutdown()) {
      return;
    }
    String member = wanted;
    try {
      if (producer == null) {
        producer = new KafkaProducer<>(settings.producerConfig(clientId + "-announcer"));
      }
      if (!topicSettled) {
        try (Admin admin = Admin.create(settings.adminConfig(clientId + "-announcer-admin"))) {
          TopicSetup.settle(admin, settings.newTopic());
        }
        topicSettled = true;
      }
      ShardRecord record = ShardRecord.newBuilder().setGroup(settings.group()).setMember(member).setWatchHost(host)
          .setWatchPort(port).setStartedUnixNanos(startedUnixNanos).build();
      send(member, record.toByteArray(), SEND_WAIT);
      if (written != null) {
        send(written, null, SEND_WAIT); // the id the group gave it before: no longer a member
      }
      written = member;
      backoff.reset();
      LOG.log(Level.INFO, "announced on {0}: Watch service at {1}, member {2} of group {3}", settings.topic(),
          describe(), member, settings.group());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException | KafkaException e) {
      long delay = backoff.nextDelayNanos();
      LOG.log(Level.WARNING, "cannot announce this collector on {0} ({1}); retrying in {2} ms: until then a relay"
          + " discovering the group does not merge it", settings.topic(),
          e instanceof ExecutionException ? e.getCause().getMessage() : e.getMessage(), delay / 1_000_000);
      worker.schedule(this::announce, delay, TimeUnit.NANOSECONDS);
    }
  }

  /** Writes {@code value} (null: a tombstone) under the member's key and waits for the brokers' acknowledgement. */
  private void send(String member, byte[] value, Duration wait)
      throws InterruptedException, ExecutionException, TimeoutException {
    producer.send(new ProducerRecord<>(settings.topic(), key(member), value)).get(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static byte[] key(String member) {
    return member.getBytes(StandardCharsets.UTF_8);
  }

  /** Withdraws the announcement (a tombstone under its member id), then closes; safe more than once. */
  @Override
  public void close() {
    if (worker.isShutdown()) {
      return;
    }
    worker.execute(() -> {
      if (written != null) {
        try {
          send(written, null, TOMBSTONE_WAIT);
          LOG.log(Level.INFO, "withdrawn from {0}: member {1} of group {2} leaves", settings.topic(), written,
              settings.group());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
          LOG.log(Level.WARNING, "could not withdraw the announcement on {0} ({1}): a relay drops this collector once"
              + " the group no longer lists it", settings.topic(), e.getMessage());
        }
      }
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
      }
    });
    worker.shutdown();
    try {
      worker.awaitTermination(TOMBSTONE_WAIT.toSeconds() + 10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
