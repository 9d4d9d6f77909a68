package io.clustertop.launcher;

import io.clustertop.collector.CollectorOptions;
import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.IngestLimits;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop collector}: takes the agents' streams, counts each byte once cluster-wide, and
 * serves the views to consoles (and Prometheus, when asked). Runs until interrupted.
 */
@Command(
    name = "collector",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = "Take the agents' batches, count each byte once cluster-wide, serve the views to consoles.")
final class CollectorCommand implements Callable<Integer> {

  @Option(names = "-h", usageHelp = true, description = "Print this help and exit.")
  boolean help;

  @Mixin
  TlsOptions tls;

  @Option(names = "--listen", paramLabel = "host:port", description = "Where agents and consoles connect (default: ${DEFAULT-VALUE}).")
  String listen = "127.0.0.1:7447";

  @Option(names = "--metrics-listen", paramLabel = "host:port", description = "Serve Prometheus metrics at http://host:port/metrics (default: off).")
  String metricsListen;

  @Option(names = "--max-message-bytes", paramLabel = "n", description = "Largest message taken from an agent (default: ${DEFAULT-VALUE}).")
  int maxMessageBytes = CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES;

  @Option(names = "--max-flows-per-batch", paramLabel = "n", description = "Most flows in one batch (default: ${DEFAULT-VALUE}).")
  int maxFlowsPerBatch = IngestLimits.defaults().maxFlowsPerBatch();

  @Option(names = "--max-agents", paramLabel = "n", description = "Most agents held; more are turned away and counted (default: ${DEFAULT-VALUE}).")
  int maxAgents = IngestLimits.defaults().maxAgents();

  @Override
  public Integer call() throws InterruptedException {
    CollectorServer server = start();
    server.stopOnShutdown();
    server.blockUntilShutdown();
    return ExitStatus.OK;
  }

  /** Checks the options and starts the collector; what {@link #call} runs before it waits. */
  CollectorServer start() {
    InetSocketAddress address = HostPort.bindable("--listen", listen);
    InetSocketAddress metrics = metricsListen == null ? null : HostPort.bindable("--metrics-listen", metricsListen);
    if (maxMessageBytes < 1024 || maxFlowsPerBatch < 1 || maxAgents < 1) {
      throw new UserError("--max-message-bytes must be at least 1024, --max-flows-per-batch and --max-agents at least 1");
    }
    CollectorOptions options = new CollectorOptions(IngestLimits.defaults().with(maxFlowsPerBatch, maxAgents),
        maxMessageBytes, metrics, true);
    // Pings find agents whose connection died without a word (a host gone, a cable pulled): until the
    // stream ends, the collector counts their node as connected, and leaves its traffic to it.
    NettyServerBuilder builder = NettyServerBuilder.forAddress(address, tls.serverCredentials())
        .keepAliveTime(30, TimeUnit.SECONDS)
        .keepAliveTimeout(10, TimeUnit.SECONDS)
        .permitKeepAliveTime(10, TimeUnit.SECONDS);
    CollectorServer server = new CollectorServer(builder, options, CollectorServer::wallClockNanos);
    try {
      server.start();
    } catch (IOException e) {
      server.stop();
      throw new UserError("cannot listen on " + listen + (metrics == null ? "" : " or " + metricsListen) + ": "
          + e.getMessage(), e);
    }
    System.err.println("clustertop collector: listening on " + address.getHostString() + ":" + server.port()
        + (metrics == null ? "" : ", metrics on http://" + metrics.getHostString() + ":"
            + server.metricsEndpoint().address().getPort() + "/metrics"));
    return server;
  }
}
