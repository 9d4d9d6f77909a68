package io.clustertop.launcher;

import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.cost.CostConfigException;
import io.clustertop.core.cost.CostConfigParser;
import io.clustertop.core.flow.Network;
import io.clustertop.kafka.consume.ConsumerSettings;
import io.clustertop.kafka.consume.ShardConsumer;
import io.clustertop.kafka.shards.ShardAnnouncer;
import io.clustertop.kafka.shards.ShardSettings;
import io.clustertop.collector.placement.Placer;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.informer.KubernetesWatcher;
import io.fabric8.kubernetes.client.Config;
import io.clustertop.auth.Operation;
import io.clustertop.collector.metrics.MetricsAccess;
import io.clustertop.collector.watch.WatchLimits;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop collector}: takes the agents' streams, counts each byte once cluster-wide, and
 * serves the views to consoles (and Prometheus, when asked). Runs until interrupted.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, name = "collector",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "Take the agents' batches, count each byte once cluster-wide, serve the views to consoles.")
final class CollectorCommand implements Callable<Integer> {
  private static final System.Logger LOG = System.getLogger(CollectorCommand.class.getName());

  @Mixin
  TlsOptions tls;

  @Mixin
  ServerAccessOptions access;

  @Mixin
  CollectorKafkaOptions kafka;

  @Option(names = "--listen", paramLabel = "host:port", description = "Where agents and consoles connect (default: ${DEFAULT-VALUE}).")
  String listen = HostPort.DEFAULT_COLLECTOR;

  @Option(names = "--metrics-listen", paramLabel = "host:port", description = "Serve Prometheus metrics at host:port/metrics: HTTPS with the collector's certificate when it has one, for consoles and operators only under mutual TLS (default: off).")
  String metricsListen;

  @Option(names = "--max-message-bytes", paramLabel = "n", description = "Largest message taken from an agent (default: ${DEFAULT-VALUE}).")
  int maxMessageBytes = CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES;

  @Option(names = "--max-flows-per-batch", paramLabel = "n", description = "Most flows in one batch (default: ${DEFAULT-VALUE}).")
  int maxFlowsPerBatch = IngestLimits.defaults().maxFlowsPerBatch();

  @Option(names = "--max-agents", paramLabel = "n", description = "Most agents held; more are turned away and counted (default: ${DEFAULT-VALUE}).")
  int maxAgents = IngestLimits.defaults().maxAgents();

  @Option(names = "--max-conversations", paramLabel = "n", description = "Most conversations held in the whole collector; past it the idlest of all agents fold into \"other\", totals kept (default: ${DEFAULT-VALUE}; bin/clustertop sizes the heap from it).")
  int maxConversations = IngestLimits.defaults().maxConversations();

  @Option(names = "--max-conversations-per-agent", paramLabel = "n", description = "Most conversations held per agent epoch; past it its idlest fold into \"other\", totals kept (default: ${DEFAULT-VALUE}).")
  int maxConversationsPerAgent = IngestLimits.defaults().maxConversationsPerAgent();

  @Option(names = "--agent-expiry", paramLabel = "span", description = "Drop an agent gone (no stream) for longer than this, its figures kept in the totals; at least 1m (default: ${DEFAULT-VALUE}).")
  String agentExpiry = "10m";

  @Option(names = "--max-held-batches", paramLabel = "n", description = "Batches held per agent after a missing one, waiting for it (default: ${DEFAULT-VALUE}).")
  int maxHeldBatches = IngestLimits.defaults().reorderWindow();

  @Option(names = "--max-held-bytes", paramLabel = "n", description = "Heap the batches held per agent may take; past it the stream is refused (default: ${DEFAULT-VALUE}).")
  long maxHeldBytes = IngestLimits.defaults().maxHeldBytes();

  @Option(names = "--cluster-networks", paramLabel = "cidr", split = ",",
      description = "Networks whose addresses any agent may announce as its node's, besides its certificate's IP addresses; others are refused, shown and counted (default: none: without TLS any address, with TLS a certificate's own).")
  List<String> clusterNetworks = List.of();
  @Option(names = "--max-link-rate", paramLabel = "rate", description = "What one link carries at most, in bits per second (k, M, G, T: powers of 1000): a flow or a batch's total beyond it over the batch's interval is refused and counted (default: ${DEFAULT-VALUE}).")
  String maxLinkRate = "400G";

  @Option(names = "--max-new-conversations-per-second", paramLabel = "n", description = "New conversations an agent may add per second (a burst of 10 seconds' worth); past it the new ones go into its \"other\", totals kept, counted (default: ${DEFAULT-VALUE}).")
  int maxNewConversationsPerSecond = IngestLimits.defaults().maxNewConversationsPerSecond();

  @Option(names = "--max-hellos-per-minute", paramLabel = "n", description = "Hellos (new streams) one peer may send per minute; past it refused with RESOURCE_EXHAUSTED and counted (default: ${DEFAULT-VALUE}).")
  int maxHellosPerMinute = IngestLimits.defaults().maxHellosPerMinute();

  @Option(names = "--max-streams-per-connection", paramLabel = "n", description = "Calls open at once on one connection (HTTP/2's SETTINGS_MAX_CONCURRENT_STREAMS); more wait in the client (default: ${DEFAULT-VALUE}).")
  int maxStreamsPerConnection = 100;

  @Option(names = "--max-subscribers", paramLabel = "n", description = "Watch streams served at once, every console together; more are refused with RESOURCE_EXHAUSTED and counted (default: ${DEFAULT-VALUE}).")
  int maxSubscribers = WatchLimits.defaults().maxSubscribers();

  @Option(names = "--max-subscribers-per-console", paramLabel = "n", description = "Watch streams of one console (its certificate under mutual TLS, else its address) (default: ${DEFAULT-VALUE}).")
  int maxSubscribersPerConsole = WatchLimits.defaults().maxPerConsole();

  @Option(names = "--watch-unread-publications", paramLabel = "n", description = "Close a watch stream that took no snapshot for this many publications in a row, one every 2 s (default: ${DEFAULT-VALUE}).")
  int watchUnreadPublications = WatchLimits.defaults().maxUnread();

  @Option(names = "--mask-remote", paramLabel = "prefix|hash:keyfile", description = "Keep public remote addresses (no node's) out of views, metrics and history: prefix puts their /24 (IPv6: /48) in their place, hash:KEYFILE a keyed hash of them; bytes, totals and cost classes stay exact (default: off).")
  String maskRemote;

  @Option(names = "--config", paramLabel = "file", description = "Cost configuration: cluster and named networks, prices (default: the built-in example prices).")
  Path config;

  @Option(names = "--check-config", paramLabel = "file", description = "Check a cost configuration, print what it holds, and exit (status 2 if it is refused).")
  Path checkConfig;

  @Option(names = "--history", paramLabel = "file", description = "Keep per-minute cost rollups in this SQLite file, across restarts (default: no history).")
  Path history;

  @Option(names = "--history-retention", paramLabel = "span", description = "Delete rollups older than this, e.g. 30d, 24h (default: ${DEFAULT-VALUE}).")
  String historyRetention = "30d";

  @Option(names = "--history-max-bytes", paramLabel = "n", description = "Bound of the history file; past it the oldest minutes go (default: ${DEFAULT-VALUE}).")
  long historyMaxBytes = HistoryOptions.DEFAULT_MAX_BYTES;

  @Option(names = "--history-top-remotes", paramLabel = "n", description = "Remote addresses (and services) kept by name per node and minute; the rest are summed as \"other\" (default: ${DEFAULT-VALUE}).")
  int historyTopRemotes = HistoryOptions.DEFAULT_TOP_REMOTES;

  @Option(names = "--kubernetes", description = "Read pods, Services, nodes and the owners of pods from the Kubernetes API: in a pod, with its service account; elsewhere from KUBECONFIG or ~/.kube/config (default: off).")
  boolean kubernetes;

  @Option(names = "--kubeconfig", paramLabel = "file", description = "Read the Kubernetes API with this kubeconfig file (implies --kubernetes).")
  Path kubeconfig;

  @Option(names = "--kubernetes-max-addresses", paramLabel = "n", description = "Pod (and Service) addresses tracked, each with its holders over time; more are not tracked, and counted (default: ${DEFAULT-VALUE}).")
  int kubernetesMaxAddresses = MetadataLimits.DEFAULT_MAX_ADDRESSES;

  @Option(names = "--kubernetes-history", paramLabel = "n", description = "Holders kept per address, the current one and those before; the oldest go, counted (default: ${DEFAULT-VALUE}).")
  int kubernetesHistory = MetadataLimits.DEFAULT_SPANS_PER_ADDRESS;

  @Option(names = "--kubernetes-max-containers", paramLabel = "n", description = "Container ids tracked; more are not tracked, and counted (default: ${DEFAULT-VALUE}).")
  int kubernetesMaxContainers = MetadataLimits.DEFAULT_MAX_CONTAINERS;

  @Option(names = "--kubernetes-retention", paramLabel = "span", description = "How long a deleted pod or a reused address is still answered for, for late batches (default: ${DEFAULT-VALUE}).")
  String kubernetesRetention = "15m";

  @Option(names = "--max-placements", paramLabel = "n", description = "Distinct placements of conversations tracked (process, container, pod, namespace, workload, Service: the rows by them); past it new ones are \"(untracked)\", counted (default: ${DEFAULT-VALUE}).")
  int maxPlacements = Placer.DEFAULT_MAX;

  private KubernetesWatcher kubernetesWatcher;
  private volatile ShardConsumer shard;

  @Override
  public Integer call() throws InterruptedException {
    if (checkConfig != null) {
      CostConfig c = readConfig("--check-config", checkConfig);
      System.out.println(checkConfig + ": ok: " + c.classes().size() + " classes (" + String.join(", ", c.classes())
          + "), prices in " + c.prices().currency() + " per " + c.prices().unitName());
      return ExitStatus.OK;
    }
    CollectorServer server = start();
    if (shard != null) {
      Runtime.getRuntime().addShutdownHook(new Thread(this::closeKafka, "clustertop-kafka-shutdown"));
    }
    server.stopOnShutdown();
    ReloadOnHangup.install(tls.files());
    try {
      server.blockUntilShutdown();
    } finally {
      closeWatcher();
      tls.close();
    }
    return ExitStatus.OK;
  }

  /**
   * Withdraws the collector's announcement and leaves the consumer group (at exit; a test that started
   * the command calls it before stopping the server).
   */
  void closeKafka() {
    ShardConsumer consumer = shard;
    if (consumer != null) {
      consumer.close();
      shard = null;
    }
  }

  /** Stops reading the API (at exit; a test that started the command calls it after stopping the server). */
  void closeWatcher() {
    if (kubernetesWatcher != null) {
      kubernetesWatcher.close();
      kubernetesWatcher = null;
    }
  }

  /** Checks the options and starts the collector; what {@link #call} runs before it waits. */
  CollectorServer start() {
    InetSocketAddress address = HostPort.bindable("--listen", listen);
    InetSocketAddress metrics = metricsListen == null ? null : HostPort.bindable("--metrics-listen", metricsListen);
    if (maxMessageBytes < 1024 || maxFlowsPerBatch < 1 || maxAgents < 1) {
      throw new UserError("--max-message-bytes must be at least 1024, --max-flows-per-batch and --max-agents at least 1");
    }
    if (maxConversations < 1 || maxConversationsPerAgent < 1 || maxHeldBatches < 1 || maxHeldBytes < 1) {
      throw new UserError("--max-conversations, --max-conversations-per-agent, --max-held-batches and --max-held-bytes"
          + " must be at least 1");
    }
    java.time.Duration expiry = DurationText.parse("--agent-expiry", agentExpiry);
    if (expiry.toNanos() < IngestLimits.MIN_AGENT_EXPIRY_NANOS) {
      throw new UserError("--agent-expiry must be at least 1m: an agent's slots must be out of every window when it is"
          + " dropped");
    }
    MetadataLimits kubernetesLimits = kubernetes || kubeconfig != null ? kubernetesLimits() : null;
    Config kubernetesConfig = kubernetesLimits == null ? null : kubernetesConfig();
    CostConfig cost = config == null ? CostConfig.defaults() : readConfig("--config", config);
    ConsumerSettings kafkaSettings = kafka.settings();
    ShardSettings shardSettings = kafkaSettings == null ? null : kafka.shardSettings();
    HistoryOptions historyOptions = null;
    if (history != null) {
      if (historyMaxBytes < 1 << 20 || historyTopRemotes < 1) {
        throw new UserError("--history-max-bytes must be at least 1048576 (1 MiB), --history-top-remotes at least 1");
      }
      historyOptions = new HistoryOptions(history, DurationText.parse("--history-retention", historyRetention),
          historyMaxBytes, historyTopRemotes);
    }
    ServerCredentials credentials = tls.serverCredentials();
    access.check(tls);
    access.allowListening("collector", "--listen", address, tls.mutual());
    if (metrics != null) {
      // HTTPS with the collector's certificate when it has one; plain HTTP only on loopback or --insecure
      access.allowListening("collector", "--metrics-listen", metrics, tls.mutual());
    }
    if (maxNewConversationsPerSecond < 1 || maxHellosPerMinute < 1 || maxStreamsPerConnection < 1
        || maxSubscribers < 1 || maxSubscribersPerConsole < 1 || watchUnreadPublications < 1) {
      throw new UserError("--max-new-conversations-per-second, --max-hellos-per-minute, --max-streams-per-connection,"
          + " --max-subscribers, --max-subscribers-per-console and --watch-unread-publications must be at least 1");
    }
    IngestLimits limits = IngestLimits.defaults().with(maxFlowsPerBatch, maxAgents)
        .withConversations(maxConversationsPerAgent, maxConversations)
        .withHeld(maxHeldBatches, maxHeldBytes)
        .withAgentExpiry(expiry.toNanos())
        .withFlood(LinkRate.bytesPerSecond("--max-link-rate", maxLinkRate), maxNewConversationsPerSecond,
            maxHellosPerMinute);
    if (maxPlacements < 2) {
      throw new UserError("--max-placements must be at least 2");
    }
    if (kubernetesConfig != null) {
      // Before the server: its views name pods from the start (what the API has not listed yet is
      // "(no pod)" until it has).
      kubernetesWatcher = KubernetesWatcher.start(kubernetesConfig, kubernetesLimits, CollectorServer::wallClockNanos);
    }
    CollectorOptions options = new CollectorOptions(limits, maxMessageBytes, metrics, true, cost, historyOptions)
        .withMetricsAccess(metricsAccess())
        .withClusterNetworks(clusterNetworks())
        .withKubernetes(kubernetesWatcher == null ? null : kubernetesWatcher.metadata(), maxPlacements)
        .withWatch(new WatchLimits(maxSubscribers, maxSubscribersPerConsole, watchUnreadPublications))
        .withMask(MaskOption.parse("--mask-remote", maskRemote));
    // Pings find agents whose connection died without a word (a host gone, a cable pulled): until the
    // stream ends, the collector counts their node as connected, and leaves its traffic to it.
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address, credentials)
        .intercept(access.interceptor())
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .permitKeepAliveTime(10, TimeUnit.SECONDS)
        // HTTP/2 tells the client; streams past it wait on the client's side, so the collector never sees them
        .maxConcurrentCallsPerConnection(maxStreamsPerConnection);
    CollectorServer server;
    try {
      server = new CollectorServer(builder, options, CollectorServer::wallClockNanos);
    } catch (IOException e) {
      closeWatcher();
      throw new UserError(e.getMessage(), e);
    }
    try {
      server.start();
    } catch (IOException e) {
      server.stop();
      closeWatcher();
      throw metrics == null
          ? HostPort.bindFailure("--listen", listen, e)
          : HostPort.bindFailure("--listen or --metrics-listen", listen + " or " + metricsListen, e);
    }
    ShardAnnouncer announcer = null;
    if (kafkaSettings != null) {
      String clientId = "clustertop-collector-" + ProcessHandle.current().pid();
      InetSocketAddress advertised = kafka.advertised(address, server.port());
      try {
        announcer = new ShardAnnouncer(shardSettings, advertised.getHostString(), advertised.getPort(), clientId);
        shard = new ShardConsumer(kafkaSettings, server.ingest(), server.cluster(), clientId, System::currentTimeMillis)
            .announcing(announcer).start();
      } catch (KafkaException e) { // a broker name that does not resolve, a bad client setting
        server.stop();
        throw new UserError("cannot consume from Kafka at " + kafkaSettings.bootstrap() + ": " + e.getMessage(), e);
      }
    }
    LOG.log(System.Logger.Level.INFO, "listening on " + address.getHostString() + ":" + server.port()
        + (tls.files() == null ? "" : tls.mutual() ? " (mutual TLS)" : " (TLS)")
        + (metrics == null ? "" : ", metrics on " + (tls.files() == null ? "http" : "https") + "://"
            + metrics.getHostString() + ":"
            + server.metricsEndpoint().address().getPort() + "/metrics")
        + (history == null ? "" : ", history in " + history)
        + (kafkaSettings == null ? "" : ", consuming " + kafkaSettings.topic() + " in group " + kafkaSettings.group()
            + " (announcing its Watch service at " + announcer.describe() + " on " + shardSettings.topic() + ")")
        + (options.mask().masks() ? ", public remote addresses masked (" + options.mask().describe() + ")" : ""));
    return server;
  }

  /** {@code --cluster-networks}, each a CIDR (or an address alone), or a {@link UserError} naming the bad one. */
  private List<Network> clusterNetworks() {
    List<Network> networks = new java.util.ArrayList<>();
    for (String text : clusterNetworks) {
      try {
        networks.add(Network.parse(text.strip()));
      } catch (IllegalArgumentException e) {
        throw new UserError("--cluster-networks " + text + ": " + e.getMessage() + " (give CIDRs, e.g. 10.0.0.0/8,fd00::/8)", e);
      }
    }
    return networks;
  }

  /** /metrics over HTTPS when the collector has a certificate; with mutual TLS, for consoles and operators only. */
  private MetricsAccess metricsAccess() {
    List<Consumer<StringBuilder>> sections = List.of(access.metrics()::appendPrometheus, out -> {
      ShardConsumer consumer = shard;
      if (consumer != null) {
        consumer.metrics().appendPrometheus(out);
      }
    });
    if (tls.files() == null || !tls.files().hasCertificate()) {
      return new MetricsAccess(null, false, session -> null, sections);
    }
    return new MetricsAccess(tls.files().serverContext(), tls.mutual(),
        session -> access.interceptor().check(session, Operation.READ_METRICS), sections);
  }

  private Config kubernetesConfig() {
    try {
      return KubernetesWatcher.config(kubeconfig);
    } catch (IllegalArgumentException e) {
      throw new UserError("--kubeconfig " + e.getMessage(), e);
    }
  }

  private MetadataLimits kubernetesLimits() {
    if (kubernetesMaxAddresses < 1 || kubernetesHistory < 1 || kubernetesMaxContainers < 1) {
      throw new UserError("--kubernetes-max-addresses, --kubernetes-history and --kubernetes-max-containers must be at least 1");
    }
    return new MetadataLimits(kubernetesMaxAddresses, kubernetesHistory, kubernetesMaxContainers,
        DurationText.parse("--kubernetes-retention", kubernetesRetention));
  }

  /** A cost configuration, or a {@link UserError} with the file, the line and the reason. */
  private static CostConfig readConfig(String option, Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UserError(option + " " + file + ": cannot read it: " + FileProblem.why(e), e);
    }
    try {
      return CostConfigParser.parse(text, file.toString());
    } catch (CostConfigException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
