package io.clustertop.launcher;

import com.google.protobuf.ByteString;
import io.clustertop.agent.attribution.AttributionOptions;
import io.clustertop.agent.attribution.Attributor;
import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.LoopedCapture;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.agent.stream.AgentId;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.agent.stream.GrpcThreads;
import io.clustertop.agent.stream.BatchTransport;
import io.clustertop.agent.stream.IngestClient;
import io.clustertop.agent.stream.StreamingAgent;
import io.clustertop.agent.watch.NodeWatchServer;
import io.clustertop.agent.watch.NodeWatchService;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.privacy.RemoteMask;
import io.clustertop.kafka.publish.KafkaPublisher;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop agent}: captures on this host (or replays a file) and streams one batch a
 * second to a collector over one long-lived gRPC stream, or publishes it to Apache Kafka
 * ({@code --kafka}), buffering what the collector or the broker has not acknowledged.
 *
 * <p>A replay ({@code -r}) moves the capture's timestamps to now, paces itself with
 * {@code --speed}, and exits once every batch is acknowledged; with {@code --loop}
 * it reads the file again and again, time moving on ({@link LoopedCapture}). Live, the agent runs
 * until interrupted, then gives the collector (or Kafka) a few seconds to acknowledge the last batches.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, name = "agent",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "Capture on this host and stream the traffic, one batch a second, to a collector (or publish it to Kafka).")
final class AgentCommand implements Callable<Integer> {
  private static final System.Logger LOG = System.getLogger(AgentCommand.class.getName());
  /** Live, at exit: how long the last batches may take to be acknowledged. */
  private static final Duration FLUSH_AT_EXIT = Duration.ofSeconds(5);
  /** While a replay waits for the collector, how often it says so. */
  private static final Duration WAIT_REPORT = Duration.ofMinutes(1);
  static final int DEFAULT_MAX_FLOWS_PER_BATCH = 1000;

  @Mixin
  CaptureOptions capture;

  @Mixin
  TlsOptions tls;

  @Mixin
  ServerAccessOptions access;

  @Option(names = "--listen", paramLabel = "host:port",
      description = "Serve this node's view to consoles here (clustertop console --connect); off unless given.")
  String listen;

  @Option(names = "--mask-remote", paramLabel = "prefix|hash:keyfile", description = "Keep public remote addresses (not this node's) out of the agent's own view (--listen): prefix shows their /24 (IPv6: /48), hash:KEYFILE a keyed hash of them; what it sends the collector is unchanged (the collector masks with its own --mask-remote) (default: off).")
  String maskRemote;

  private RemoteMask mask = RemoteMask.OFF;

  @Option(names = "--allow-filter-change",
      description = "Let consoles attached to --listen change the capture filter (the f key); off: anyone who reaches the port could change what the node counts.")
  boolean allowFilterChange;

  @Option(names = "--collector", paramLabel = "host:port",
      description = "The collector's ingest address (default: " + HostPort.DEFAULT_COLLECTOR + " unless --kafka is given); a name that does not resolve is retried, as an unreachable collector is.")
  String collector;

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--speed", paramLabel = "x", description = "With -r: x times the capture's pace; 0 = as fast as possible (default: ${DEFAULT-VALUE}).")
  double speed = 1;

  @Option(names = "--loop", arity = "0..1", fallbackValue = "0", paramLabel = "passes",
      description = "With -r: read the file this many times, each pass later in time than the last; without a number (or 0), until stopped.")
  Long loop;

  @Option(names = "--node", paramLabel = "name", description = "The node's name in every view (default: the host name).")
  String node;

  @Option(names = "--zone", paramLabel = "zone", description = "The node's zone, for egress classes.")
  String zone = "";

  @Option(names = "--region", paramLabel = "region", description = "The node's region, for egress classes.")
  String region = "";

  @Option(names = "--label", paramLabel = "key=value", description = "A label of the node (repeatable).")
  Map<String, String> labels = new LinkedHashMap<>();

  @Option(names = "--state-dir", paramLabel = "dir", description = "Keep the agent's id here, so a restarted agent is the same agent.")
  Path stateDir;

  @Option(names = "--buffer-seconds", paramLabel = "n",
      description = "Seconds of batches kept while the collector (or Kafka) is away; older ones become a gap (default: ${DEFAULT-VALUE}).")
  int bufferSeconds = BatchBuffer.DEFAULT_CAPACITY;

  @Option(names = "--max-flows-per-batch", paramLabel = "n",
      description = "Largest conversations sent each second; the rest count in the totals (default: ${DEFAULT-VALUE}).")
  int maxFlowsPerBatch = DEFAULT_MAX_FLOWS_PER_BATCH;

  @Option(names = "--no-attribution",
      description = "Do not attribute conversations to local processes and containers (a live capture does by default: it reads every process's sockets in /proc).")
  boolean noAttribution;

  @Option(names = "--max-attributed-conversations", paramLabel = "n",
      description = "Conversations whose process is kept; past it the oldest are forgotten (default: ${DEFAULT-VALUE}).")
  int maxAttributedConversations = AttributionOptions.DEFAULT_MAX_CONVERSATIONS;

  @Option(names = "--max-attribution-queue", paramLabel = "n",
      description = "New conversations waiting for the next attribution pass; past it they wait for a later second (default: ${DEFAULT-VALUE}).")
  int maxAttributionQueue = AttributionOptions.DEFAULT_MAX_QUEUED;

  @Option(names = "--docker-socket", paramLabel = "path",
      description = "Docker's API socket, for container names; where unreadable containers go by id (default: ${DEFAULT-VALUE}).")
  Path dockerSocket = AttributionOptions.defaults().dockerSocket();

  @Option(names = "--containerd-socket", paramLabel = "path",
      description = "containerd's API socket, for container names (Kubernetes pods' as namespace/pod/container); where unreadable containers go by id (default: ${DEFAULT-VALUE}).")
  Path containerdSocket = AttributionOptions.defaults().containerdSocket();

  @Option(names = "--containerd-namespace", paramLabel = "name", split = ",",
      description = "containerd namespaces whose containers are named (repeatable or comma-separated; default: k8s.io, Kubernetes' CRI plugin's).")
  List<String> containerdNamespaces = new ArrayList<>(AttributionOptions.defaults().containerdNamespaces());

  private volatile boolean stopping;

  @Override
  public Integer call() throws InterruptedException {
    validate();
    InetSocketAddress listenAddress = null;
    if (listen != null) {
      listenAddress = HostPort.bindable("--listen", listen);
      tls.serverCredentials();
      access.check(tls);
      access.allowListening("agent", "--listen", listenAddress, tls.mutual());
    } else if (access.policy != null || access.insecure) {
      throw new UserError("--auth-policy and --insecure apply to --listen");
    }
    PacketSource source = open();
    MonitorOptions options = capture.monitorOptions(capture.netFilter4, capture.netFilter6,
        capture.linkLocal != null && capture.linkLocal).withLocalAddresses(ownAddresses(source));
    CaptureAnnouncement.print(source);
    try (source; GrpcThreads threads = new GrpcThreads();
        BatchTransport transport = transport(identity(source), threads); Attributor attributor = attributor(source)) {
      StreamingAgent agent = new StreamingAgent(source, options, transport, maxFlowsPerBatch, speed, attributor);
      NodeWatchService watch = new NodeWatchService(allowFilterChange ? source : null, attributor,
          mask.masks() ? mask.onRemotes(options.localAddresses()::contains) : null);
      ReloadOnHangup.install(tls.files());
      try (NodeWatchServer server = listenAddress == null ? null : serve(listenAddress, watch, threads);
          StopOnSignal signal = new StopOnSignal(() -> {
            stopping = true;
            agent.stop();
          }, FLUSH_AT_EXIT.plusSeconds(1))) {
        agent.run(watch);
        awaitCollector(agent);
      } catch (CaptureException e) {
        throw new UserError(e.getMessage(), e);
      }
    } finally {
      tls.close();
    }
    return ExitStatus.OK;
  }

  /** The collector's gRPC stream, or Kafka. */
  private BatchTransport transport(AgentIdentity identity, GrpcThreads threads) {
    BatchBuffer buffer = new BatchBuffer(bufferSeconds);
    if (!kafka.enabled()) {
      return IngestClient.forTarget(collectorTarget(), tls.channelCredentials(), identity, buffer, threads);
    }
    try {
      return KafkaPublisher.create(kafka.settings(), identity, buffer);
    } catch (KafkaException e) { // a bad --kafka-config value, a broker name that does not resolve
      throw new UserError("cannot publish to Kafka at " + kafka.bootstrap + ": " + e.getMessage(), e);
    }
  }

  /** Where the batches go, for messages. */
  /** The collector's address: --collector's, else the default one (unless the agent publishes to Kafka). */
  String collectorTarget() {
    return collector != null ? collector : HostPort.DEFAULT_COLLECTOR;
  }

  private String destination() {
    return kafka.enabled() ? "Kafka at " + kafka.bootstrap : "the collector at " + collectorTarget();
  }

  /** Live, unless turned off: a file's conversations are no process's on this host. */
  private Attributor attributor(PacketSource source) {
    if (noAttribution || !source.live()) {
      return null;
    }
    Attributor attributor = new Attributor(
        new AttributionOptions(maxAttributedConversations, maxAttributionQueue, dockerSocket, containerdSocket,
            containerdNamespaces));
    attributor.start();
    return attributor;
  }

  private PacketSource open() {
    PacketSource source = capture.open(capture.interfaceName, capture.promiscuous != null && capture.promiscuous,
        capture.filter);
    if (loop == null) {
      return source;
    }
    try {
      return LoopedCapture.of(source, loop == 0 ? LoopedCapture.FOREVER : loop);
    } catch (CaptureException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  private NodeWatchServer serve(InetSocketAddress address, NodeWatchService watch, GrpcThreads threads) {
    try {
      return NodeWatchServer.start(address, tls.serverCredentials(), watch, threads, access.interceptor());
    } catch (IOException e) {
      throw HostPort.bindFailure("--listen", listen, e);
    }
  }

  private void validate() {
    mask = MaskOption.parse("--mask-remote", maskRemote);
    if (collector != null && kafka.bootstrap != null) {
      throw new UserError("give the agent --collector host:port (gRPC) or --kafka host:port (Kafka), not both");
    }
    if (!kafka.enabled()) {
      HostPort.parse("--collector", collectorTarget());
    }
    kafka.refuseWithoutKafka();
    if (kafka.enabled()) {
      kafka.settings(); // malformed Kafka options are refused before the capture opens
    }
    if (capture.file == null && speed != 1) {
      throw new UserError("--speed applies to a replay (-r)");
    }
    if (!(speed >= 0) || Double.isInfinite(speed)) {
      throw new UserError("invalid --speed " + speed + ": use 0 (as fast as possible) or more");
    }
    if (loop != null && (capture.file == null || loop < 0)) {
      throw new UserError(capture.file == null ? "--loop applies to a replay (-r)" : "invalid --loop " + loop + ": use a number of passes, or 0 for no end");
    }
    if (loop != null && loop == 0 && speed == 0) {
      // Unpaced, an endless loop's timestamps would run ahead of every clock, and the collector refuses those.
      throw new UserError("--loop without end needs a --speed above 0");
    }
    if (containerdNamespaces.isEmpty() || containerdNamespaces.stream().anyMatch(String::isBlank)) {
      throw new UserError("--containerd-namespace needs a namespace's name");
    }
    if (allowFilterChange && listen == null) {
      throw new UserError("--allow-filter-change needs --listen: consoles change the filter through it");
    }
    if (bufferSeconds < 1 || maxFlowsPerBatch < 1) {
      throw new UserError("--buffer-seconds and --max-flows-per-batch must be at least 1");
    }
    if (maxAttributedConversations < 1 || maxAttributionQueue < 1) {
      throw new UserError("--max-attributed-conversations and --max-attribution-queue must be at least 1");
    }
  }


  /** The node's addresses: what makes its traffic local, and what the collector knows it by. */
  private List<IpAddress> ownAddresses(PacketSource source) {
    List<IpAddress> given = capture.localAddresses();
    return given.isEmpty() ? source.localAddresses() : given;
  }

  private AgentIdentity identity(PacketSource source) {
    AgentIdentity.Builder id = AgentIdentity.newBuilder()
        .setNode(node != null ? node : hostName())
        .setAgentId(agentId())
        .setEpoch(StreamingAgent.newEpoch())
        .setZone(zone)
        .setRegion(region)
        .putAllLabels(labels)
        .setSource(source.name());
    ownAddresses(source).forEach(a -> id.addAddresses(FlowWire.toBytes(a)));
    return id.build();
  }

  private ByteString agentId() {
    if (stateDir == null) {
      return AgentId.random();
    }
    try {
      return AgentId.kept(stateDir);
    } catch (IOException e) {
      throw new UserError("--state-dir " + stateDir + ": " + e.getMessage(), e);
    }
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      throw new UserError("cannot tell this host's name (" + e.getMessage() + "): name the node with --node", e);
    }
  }

  /**
   * A replay that ran to its end waits for the collector (or Kafka) as long as it takes (saying so
   * now and then), since exiting would lose what it has not acknowledged; an agent being stopped
   * (Ctrl-C, live or replaying) gives it a few seconds.
   */
  private void awaitCollector(StreamingAgent agent) throws InterruptedException {
    long start = System.nanoTime();
    long reported = start;
    while (!agent.awaitAcknowledged(Duration.ofMillis(200))) {
      long now = System.nanoTime();
      if (stopping || capture.file == null) {
        if (now - start >= FLUSH_AT_EXIT.toNanos()) {
          LOG.log(System.Logger.Level.WARNING, "{0} did not acknowledge the last batches", destination());
          return;
        }
      } else if (now - reported >= WAIT_REPORT.toNanos()) {
        LOG.log(System.Logger.Level.INFO, "waiting for {0} to acknowledge the replay", destination());
        reported = now;
      }
    }
  }

}
