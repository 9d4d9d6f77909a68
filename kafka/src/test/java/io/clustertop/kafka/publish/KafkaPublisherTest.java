package io.clustertop.kafka.publish;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.core.retry.Backoff;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.LogRecord;
import io.clustertop.proto.v1.NodeRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher's order of records, buffer and gaps, full states and retries, against Kafka's
 * {@link MockProducer}: each send is completed or failed by the test, so every step is exact.
 * The real broker's side is {@code KafkaPublisherBrokerTest}.
 */
class KafkaPublisherTest {
  private static final AgentIdentity IDENTITY = AgentIdentity.newBuilder().setNode("n1")
      .setAgentId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
      .setEpoch(7).setZone("z1").build();
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final long T0 = 1_700_000_000L * SECOND;

  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final List<KafkaPublisher> publishers = new ArrayList<>();

  @AfterEach
  void close() {
    publishers.forEach(KafkaPublisher::close);
  }

  private KafkaPublisher publisher(int bufferCapacity, TopicSetup.Step topics) {
    PublisherSettings settings = new PublisherSettings("127.0.0.1:9", "flows", "flows-nodes", Duration.ofSeconds(10),
        new TopicLayout(1, Optional.empty(), Duration.ofHours(1), 1 << 20), Map.of());
    KafkaPublisher p = new KafkaPublisher(settings, producer, topics, IDENTITY, new BatchBuffer(bufferCapacity),
        new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), () -> 0.5), System::nanoTime);
    publishers.add(p);
    return p;
  }

  private static DeltaBatch batch(long sequence) {
    return DeltaBatch.newBuilder().setSequence(sequence)
        .setStartUnixNanos(T0 + (sequence - 1) * SECOND).setEndUnixNanos(T0 + sequence * SECOND).build();
  }

  /** Waits until the producer has been handed {@code count} records (the publisher's thread sends them). */
  private List<ProducerRecord<byte[], byte[]>> awaitSent(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (producer.history().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertEquals(count, sent.size(), "records handed to the producer");
    return sent;
  }

  private static LogRecord log(ProducerRecord<byte[], byte[]> r) throws InvalidProtocolBufferException {
    assertEquals("flows", r.topic());
    assertArrayEquals(IDENTITY.getAgentId().toByteArray(), r.key(), "keyed by agent id");
    LogRecord record = LogRecord.parseFrom(r.value());
    assertEquals(IDENTITY, record.getIdentity(), "every record says who sent it");
    return record;
  }

  @Test
  void theNodeRecordGoesFirstThenOneBatchAtATimeEachReleasedOnlyWhenAcknowledged() throws Exception {
    KafkaPublisher publisher = publisher(600, () -> {});
    publisher.offer(batch(1));
    publisher.offer(batch(2));
    publisher.start();

    ProducerRecord<byte[], byte[]> node = awaitSent(1).get(0);
    assertEquals("flows-nodes", node.topic());
    assertEquals("n1", new String(node.key(), StandardCharsets.UTF_8));
    NodeRecord nodeRecord = NodeRecord.parseFrom(node.value());
    assertEquals(IDENTITY, nodeRecord.getIdentity());
    assertEquals("flows", nodeRecord.getTopic());
    assertEquals(10, nodeRecord.getFullStatePeriodSeconds());

    assertTrue(producer.completeNext());
    assertEquals(1, log(awaitSent(2).get(1)).getBatch().getSequence());
    Thread.sleep(50);
    assertEquals(2, producer.history().size(), "batch 2 waits for batch 1's acknowledgement");
    assertFalse(publisher.allAcknowledged());

    assertTrue(producer.completeNext());
    assertEquals(2, log(awaitSent(3).get(2)).getBatch().getSequence());
    publisher.offer(batch(3));
    assertTrue(producer.completeNext());
    assertEquals(3, log(awaitSent(4).get(3)).getBatch().getSequence());
    assertTrue(producer.completeNext());
    awaitAcknowledged(publisher);
  }

  private static void awaitAcknowledged(KafkaPublisher publisher) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!publisher.allAcknowledged() && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    assertTrue(publisher.allAcknowledged());
  }

  /** Acknowledges whatever is sent until everything offered is acknowledged. */
  private void drain(KafkaPublisher publisher) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!publisher.allAcknowledged() && System.nanoTime() < deadline) {
      if (!producer.completeNext()) {
        Thread.sleep(1);
      }
    }
    assertTrue(publisher.allAcknowledged());
  }

  private List<String> sentOrder() throws InvalidProtocolBufferException {
    List<String> order = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : producer.history().subList(1, producer.history().size())) {
      LogRecord record = log(r);
      order.add(record.hasBatch() ? "b" + record.getBatch().getSequence() : "fs" + record.getFullState().getSequence());
    }
    return order;
  }

  @Test
  void aFullStateIsOwedEveryPeriodOfBatchTimeAndGoesRightAfterItsBatch() throws Exception {
    KafkaPublisher publisher = publisher(600, () -> {});
    publisher.start();
    List<Long> owedAfter = new ArrayList<>();
    for (long s = 1; s <= 25; s++) {
      publisher.offer(batch(s));
      if (publisher.fullStateWanted()) {
        owedAfter.add(s);
        publisher.offerFullState(FullState.newBuilder().setSequence(s).build());
        assertFalse(publisher.fullStateWanted());
      }
      drain(publisher);
    }
    assertEquals(List.of(10L, 20L), owedAfter, "every 10 s of the batches' time, from the first batch's start");
    assertEquals(List.of("b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "fs10", "b11", "b12", "b13",
        "b14", "b15", "b16", "b17", "b18", "b19", "b20", "fs20", "b21", "b22", "b23", "b24", "b25"), sentOrder());
    assertEquals(2, publisher.fullStatesPublished());
  }

  @Test
  void aFullStateNotYetSentIsSupersededByTheNextAndStillFollowsItsBatch() throws Exception {
    KafkaPublisher publisher = publisher(600, () -> {});
    publisher.start();
    awaitSent(1);
    producer.completeNext(); // the node record; then batch 1 stays in flight: the broker is away
    for (long s = 1; s <= 25; s++) {
      publisher.offer(batch(s));
      if (publisher.fullStateWanted()) {
        publisher.offerFullState(FullState.newBuilder().setSequence(s).build());
      }
    }
    drain(publisher);
    List<String> expected = new ArrayList<>();
    for (int s = 1; s <= 25; s++) {
      expected.add("b" + s);
      if (s == 20) {
        expected.add("fs20"); // it holds everything the one after batch 10 held
      }
    }
    assertEquals(expected, sentOrder());
    assertEquals(1, publisher.fullStatesPublished());
  }

  @Test
  void anOverflowWhileTheBrokerIsAwayBecomesAGapOnTheNextBatchSent() throws Exception {
    KafkaPublisher publisher = publisher(3, () -> {});
    publisher.start();
    awaitSent(1);
    producer.completeNext();
    publisher.offer(batch(1));
    assertEquals(1, log(awaitSent(2).get(1)).getBatch().getSequence()); // in flight: the broker is away
    for (long s = 2; s <= 6; s++) {
      publisher.offer(batch(s)); // the buffer holds 3: batches 1, 2 and 3 are dropped
    }
    producer.completeNext(); // the broker takes batch 1 after all
    DeltaBatch next = log(awaitSent(3).get(2)).getBatch();
    assertEquals(4, next.getSequence());
    assertEquals(Gap.newBuilder().setFirstSequence(1).setLastSequence(3)
        .setStartUnixNanos(T0).setEndUnixNanos(T0 + 3 * SECOND).build(), next.getGap(),
        "batches 1 to 3 dropped: 1 arrived all the same, 2 and 3 are lost, and said so");
    producer.completeNext();
    assertEquals(5, log(awaitSent(4).get(3)).getBatch().getSequence());
    producer.completeNext();
    assertEquals(6, log(awaitSent(5).get(4)).getBatch().getSequence());
    producer.completeNext();
    awaitAcknowledged(publisher);
  }

  @Test
  void aFailedSendIsRetriedAndAFullStateTooLargeIsSkipped() throws Exception {
    KafkaPublisher publisher = publisher(600, () -> {});
    publisher.start();
    awaitSent(1);
    producer.completeNext();
    for (long s = 1; s <= 10; s++) {
      publisher.offer(batch(s));
    }
    assertTrue(publisher.fullStateWanted());
    publisher.offerFullState(FullState.newBuilder().setSequence(10).build());
    awaitSent(2);
    producer.errorNext(new TimeoutException("Topic flows not present in metadata after 10000 ms."));
    assertEquals(1, log(awaitSent(3).get(2)).getBatch().getSequence(), "batch 1 again");
    for (int i = 3; i <= 12; i++) { // batches 1 to 10 acknowledged
      producer.completeNext();
      awaitSent(i + 1);
    }
    assertEquals(10, log(producer.history().get(12)).getFullState().getSequence());
    producer.errorNext(new RecordTooLargeException("too large"));
    awaitAcknowledged(publisher);
    assertEquals(0, publisher.fullStatesPublished());
    assertEquals(1, publisher.fullStatesSkipped());
  }

  @Test
  void topicsNotSettledAreTriedAgainBeforeAnythingIsSent() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    KafkaPublisher publisher = publisher(600, () -> {
      if (attempts.incrementAndGet() < 3) {
        throw new TimeoutException("Timed out waiting for a node assignment. Call: createTopics");
      }
    });
    publisher.offer(batch(1));
    publisher.start();
    assertEquals("flows-nodes", awaitSent(1).get(0).topic());
    assertEquals(3, attempts.get(), "two unanswered, the third settled");
  }
}
