package io.clustertop.launcher;

import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.LoopedCapture;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.agent.stream.AgentId;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.agent.stream.GrpcThreads;
import io.clustertop.agent.stream.IngestClient;
import io.clustertop.agent.stream.StreamingAgent;
import io.clustertop.collector.CollectorServer;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import io.grpc.InsecureChannelCredentials;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The demo's cluster in one process: the collector {@code clustertop collector} runs, and for each
 * node an agent as {@code clustertop agent -r FILE --loop} runs it, replaying the node's capture
 * under the node's name and addresses and streaming to the collector over gRPC, as a real
 * cluster's agents do. Nothing needs root: no interface is opened.
 *
 * <p>Thread safety: {@link #close} from any thread (a shutdown hook included), more than once.
 */
final class DemoCluster implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(DemoCluster.class.getName());
  /** How long a stopping agent may take to have its last batches acknowledged. */
  private static final Duration FLUSH = Duration.ofSeconds(3);

  private final CollectorServer collector;
  private final String target;
  private final List<Member> members = new ArrayList<>();
  /** The agents' gRPC threads, shared as the threads of one agent are. */
  private final GrpcThreads agentThreads = new GrpcThreads();
  private boolean closed;

  /** One node's agent and the thread it runs on. */
  private record Member(LoopedCapture source, IngestClient client, StreamingAgent agent, Thread thread) {}

  private DemoCluster(CollectorServer collector, String target) {
    this.collector = collector;
    this.target = target;
  }

  /**
   * Starts the collector on {@code listen} and an agent for each node, each replaying its capture
   * {@code passes} times ({@link LoopedCapture#FOREVER}) at {@code speed}.
   */
  static DemoCluster start(String listen, List<DemoNode> nodes, double speed, long passes) {
    CollectorCommand command = new CollectorCommand();
    new CommandLine(command).parseArgs("--listen", listen);
    CollectorServer collector = command.start();
    InetSocketAddress bound = HostPort.bindable("--listen", listen);
    String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getHostString();
    DemoCluster cluster = new DemoCluster(collector,
        (host.contains(":") ? "[" + host + "]" : host) + ":" + collector.port());
    try {
      for (DemoNode node : nodes) {
        cluster.startAgent(node, speed, passes);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Where consoles (and the agents) reach the collector: {@code host:port}. */
  String target() {
    return target;
  }

  private synchronized void startAgent(DemoNode node, double speed, long passes) {
    LoopedCapture source;
    try {
      source = LoopedCapture.of(node.open(), passes);
    } catch (CaptureException e) {
      throw new IllegalStateException("the jar's capture of " + node.name() + " is damaged: " + e.getMessage(), e);
    }
    AgentIdentity.Builder identity = AgentIdentity.newBuilder()
        .setNode(node.name())
        .setAgentId(AgentId.random())
        .setEpoch(StreamingAgent.newEpoch())
        .setSource(source.name());
    node.addresses().forEach(a -> identity.addAddresses(FlowWire.toBytes(a)));
    IngestClient client = IngestClient.forTarget(target, InsecureChannelCredentials.create(), identity.build(),
        new BatchBuffer(BatchBuffer.DEFAULT_CAPACITY), agentThreads);
    MonitorOptions options = new MonitorOptions(null, null, false, MonitorOptions.DEFAULT_MAX_FLOWS_PER_INTERVAL,
        MonitorOptions.DEFAULT_MAX_CONVERSATIONS).withLocalAddresses(node.addresses());
    StreamingAgent agent = new StreamingAgent(source, options, client, AgentCommand.DEFAULT_MAX_FLOWS_PER_BATCH, speed);
    Thread thread = Thread.ofPlatform().name("demo-agent-" + node.name()).daemon().unstarted(() -> {
      try {
        agent.run(view -> {});
        agent.awaitAcknowledged(FLUSH);
      } catch (CaptureException e) {
        LOG.log(System.Logger.Level.WARNING, node.name() + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // closing: the batches not yet acknowledged go with the process
      }
    });
    members.add(new Member(source, client, agent, thread));
    thread.start();
  }

  /**
   * Waits until every agent has replayed its passes and had every batch acknowledged; only ends
   * for a finite number of passes.
   *
   * @return false if {@code timeout} passed first
   */
  boolean awaitReplayed(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (Member m : snapshotOfMembers()) {
      long left = deadline - System.nanoTime();
      if (left <= 0 || !m.thread().join(Duration.ofNanos(left))) {
        return false;
      }
    }
    return true;
  }

  private synchronized List<Member> snapshotOfMembers() {
    return List.copyOf(members);
  }

  /** Stops the agents (each flushing its last batches for a moment), then the collector. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    members.forEach(m -> m.agent().stop());
    boolean interrupted = false;
    for (Member m : members) {
      try {
        if (!m.thread().join(FLUSH.plusSeconds(1))) {
          continue; // still reading its capture: its memory stays, the process is ending anyway
        }
      } catch (InterruptedException e) {
        interrupted = true;
        continue;
      }
      m.client().close();
      m.source().close();
    }
    agentThreads.close();
    collector.stop();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
