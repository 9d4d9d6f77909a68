package io.clustertop.launcher;

import io.clustertop.kafka.shards.ShardDiscovery;
import io.clustertop.kafka.shards.ShardSettings;
import io.clustertop.relay.RelayOptions;
import io.clustertop.relay.RelayServer;
import io.grpc.ChannelCredentials;
import io.grpc.ServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop relay}: the cluster's views from several collectors (shards), each holding some
 * of the nodes, served as one collector serves them. Runs until interrupted.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, name = "relay", sortOptions = false,
    usageHelpAutoWidth = true,
    description = {"Serve the whole cluster's views (and cost history) from several collectors that share the nodes"
        + " (collector --kafka ... --group ID), listed with --shards or found in their consumer group with --kafka:"
        + " consoles and cost attach to the relay as to a collector."})
final class RelayCommand implements Callable<Integer> {
  private static final System.Logger LOG = System.getLogger(RelayCommand.class.getName());
  private ShardDiscovery discovery;
  /** The collector's port, plus three: the agent's watch port is 7448. */
  static final String DEFAULT_LISTEN = "127.0.0.1:7450";

  @Option(names = "--shards", paramLabel = "HOST:PORT,...", split = ",",
      description = "The collectors to merge, each holding some of the nodes (or --kafka: found in their consumer group).")
  List<String> shards;

  @Mixin
  RelayKafkaOptions kafka;

  @Option(names = "--listen", paramLabel = "host:port", description = "Where consoles connect (default: ${DEFAULT-VALUE}).")
  String listen = DEFAULT_LISTEN;

  @Option(names = "--shard-rows-factor", paramLabel = "n",
      description = "Rows asked of each shard: this times the rows a console asks for (K = n x N, at most 10,000); the"
          + " larger, the rarer a merged top-N that is not exact (default: ${DEFAULT-VALUE}).")
  int shardRowsFactor = RelayOptions.DEFAULT_SHARD_LIMIT_FACTOR;

  @Option(names = "--late-after", paramLabel = "span",
      description = "How long after a shard's view of a new slot the others' are waited for; a shard later than that is"
          + " shown with its view of the slot before, and said late (default: ${DEFAULT-VALUE}).")
  String lateAfter = "1s";

  @Option(names = "--max-views", paramLabel = "n",
      description = "Distinct views (grouping, node, filters, rows...) served at once, each a stream to every shard;"
          + " more are refused and counted (default: ${DEFAULT-VALUE}).")
  int maxViews = RelayOptions.DEFAULT_MAX_VIEWS;

  @Mixin
  TlsOptions tls;

  @Mixin
  ServerAccessOptions access;

  @Override
  public Integer call() throws InterruptedException {
    RelayServer server = start();
    if (discovery != null) {
      // On SIGTERM the JVM ends once its hooks are done, perhaps before the finally below has run; a
      // return without a signal runs only the finally. Both close, and a second close does nothing.
      Runtime.getRuntime().addShutdownHook(new Thread(discovery::close, "clustertop-discovery-shutdown"));
    }
    server.stopOnShutdown();
    ReloadOnHangup.install(tls.files());
    try {
      server.blockUntilShutdown();
    } finally {
      closeDiscovery();
      tls.close();
    }
    return ExitStatus.OK;
  }

  /** Stops following the consumer group (at exit; a test that started the command calls it after stopping the server). */
  void closeDiscovery() {
    if (discovery != null) {
      discovery.close();
      discovery = null;
    }
  }

  /** Checks the options and starts the relay; what {@link #call} runs before it waits. */
  RelayServer start() {
    InetSocketAddress address = HostPort.bindable("--listen", listen);
    if ((shards == null) == !kafka.enabled()) {
      throw new UserError("give the shards with --shards HOST:PORT,..., or --kafka BROKERS to find them in the"
          + " collectors' consumer group (--group): one of the two");
    }
    ShardSettings group = kafka.settings();
    List<String> targets = new ArrayList<>();
    for (String shard : shards == null ? List.<String>of() : shards) {
      HostPort.resolvable("--shards", shard.strip());
      targets.add(shard.strip());
    }
    if (new LinkedHashSet<>(targets).size() != targets.size()) {
      throw new UserError("--shards names a collector twice: its nodes would count twice");
    }
    if (shardRowsFactor < 1 || maxViews < 1) {
      throw new UserError("--shard-rows-factor and --max-views must be at least 1");
    }
    long late = DurationText.parse("--late-after", lateAfter).toNanos();
    ServerCredentials serverCredentials = tls.serverCredentials();
    ChannelCredentials shardCredentials = tls.channelCredentials();
    access.check(tls);
    access.allowListening("relay", "--listen", address, tls.mutual());
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address, serverCredentials).intercept(access.interceptor());
    RelayServer server = new RelayServer(builder, new RelayOptions(targets, shardRowsFactor, late, maxViews), shardCredentials);
    try {
      server.start();
    } catch (IOException e) {
      server.stop();
      throw HostPort.bindFailure("--listen", listen, e);
    }
    LOG.log(System.Logger.Level.INFO, "listening on " + address.getHostString() + ":" + server.port()
        + (tls.files() == null ? "" : tls.mutual() ? " (mutual TLS)" : " (TLS)") + ", relaying "
        + (group == null ? targets.size() + " shards: " + String.join(", ", targets)
            : "the collectors of group " + group.group() + " (announced on " + group.topic() + ")")
        + " (" + shardRowsFactor + " x the rows asked of each)");
    if (group != null) {
      try {
        discovery = new ShardDiscovery(group, "clustertop-relay-" + ProcessHandle.current().pid(), server::join,
            server::leave).start();
      } catch (KafkaException e) { // a broker name that does not resolve, a bad client setting
        server.stop();
        throw new UserError("cannot reach Kafka at " + group.bootstrap() + ": " + e.getMessage(), e);
      }
    }
    return server;
  }
}
