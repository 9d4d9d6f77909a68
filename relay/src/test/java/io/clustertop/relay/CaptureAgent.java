package io.clustertop.relay;

import com.google.protobuf.ByteString;
import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.agent.stream.GrpcThreads;
import io.clustertop.agent.stream.IngestClient;
import io.clustertop.agent.stream.StreamingAgent;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.kafka.publish.KafkaPublisher;
import io.clustertop.kafka.publish.PublisherSettings;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import io.grpc.InsecureChannelCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A node's agent replaying its recorded capture through the agent's own pipeline, the one
 * {@code clustertop agent -r FILE --kafka ...} runs ({@link StreamingAgent}: the file read, decoded,
 * counted in the conversation table, one batch per second of the capture at its pace, moved to now,
 * and a full state every period), to the real {@link KafkaPublisher} and, the same batches, over
 * gRPC to a reference collector ({@link BothTransports}).
 *
 * <p>Thread safety: {@link #start} once; {@link #settled} from any thread.
 */
final class CaptureAgent implements AutoCloseable {
  /** A line of a capture directory's manifest {@code nodes}: name, file, addresses (record-demo.sh writes it). */
  record Node(String name, Path capture, List<IpAddress> addresses) {
    static List<Node> manifest(Path directory) {
      try {
        return Files.readAllLines(directory.resolve("nodes")).stream().filter(l -> !l.isBlank()).map(l -> {
          String[] f = l.trim().split("\\s+");
          return new Node(f[0], directory.resolve(f[1]), Arrays.stream(f, 2, f.length).map(IpAddress::parse).toList());
        }).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  final Node node;
  private final KafkaPublisher publisher;
  private final IngestClient reference;
  private final CaptureFile capture;
  private final StreamingAgent agent;
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private volatile boolean replayed;
  private Thread thread;

  /**
   * @param speed the replay's pace, as {@code --speed} takes it
   * @param threads the gRPC threads of the reference stream, its owner's
   */
  CaptureAgent(Node node, ByteString agentId, PublisherSettings settings, int referencePort, GrpcThreads threads,
      double speed) throws CaptureException {
    this.node = node;
    AgentIdentity.Builder id = AgentIdentity.newBuilder().setNode(node.name()).setAgentId(agentId)
        .setEpoch(StreamingAgent.newEpoch()).setZone("z1").setSource(node.capture().getFileName().toString());
    node.addresses().forEach(a -> id.addAddresses(FlowWire.toBytes(a)));
    AgentIdentity identity = id.build();
    this.publisher = KafkaPublisher.create(settings, identity, new BatchBuffer(BatchBuffer.DEFAULT_CAPACITY));
    this.reference = IngestClient.forTarget("127.0.0.1:" + referencePort, InsecureChannelCredentials.create(), identity,
        new BatchBuffer(BatchBuffer.DEFAULT_CAPACITY), threads);
    MonitorOptions options = new MonitorOptions(null, null, false, MonitorOptions.DEFAULT_MAX_FLOWS_PER_INTERVAL,
        MonitorOptions.DEFAULT_MAX_CONVERSATIONS).withLocalAddresses(node.addresses());
    this.capture = CaptureFile.open(node.capture());
    this.agent = new StreamingAgent(capture, options, new BothTransports(publisher, reference), 1000, speed);
    // The topics made and the node record written now, before the replay: the shards can be given
    // their partitions before the first batch (the replay's start starts it again, which does nothing).
    publisher.start();
  }

  /** Replays the capture on a thread of its own. */
  CaptureAgent start() {
    thread = Thread.ofPlatform().name("agent-" + node.name()).start(() -> {
      try {
        agent.run(view -> {});
        replayed = true;
      } catch (CaptureException | RuntimeException e) {
        failure.set(e);
      }
    });
    return this;
  }

  /** The whole capture replayed, and every batch taken by the broker and by the reference collector. */
  boolean settled() {
    Throwable t = failure.get();
    if (t != null) {
      throw new AssertionError(node.name() + ": the replay failed", t);
    }
    return replayed && publisher.allAcknowledged() && reference.allAcknowledged();
  }

  /** Full states the broker took from this agent. */
  long fullStatesPublished() {
    return publisher.fullStatesPublished();
  }

  @Override
  public void close() {
    agent.stop();
    if (thread != null) {
      try {
        thread.join(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closed anyway below; the replay thread ends with its file
      }
    }
    publisher.close();
    reference.close();
    capture.close();
  }
}
