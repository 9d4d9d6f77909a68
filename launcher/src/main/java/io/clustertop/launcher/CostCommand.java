package io.clustertop.launcher;

import io.clustertop.console.remote.StatusText;
import io.clustertop.console.terminal.Printable;
import io.clustertop.console.cost.CostReportRenderer;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.CostRequest;
import io.clustertop.proto.v1.HistoryGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop cost}: egress cost over a span, from the collector's per-minute history, by node,
 * destination class, remote address, port, namespace or workload, as a table, CSV or JSON.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, name = "cost", sortOptions = false, usageHelpAutoWidth = true,
    description = "Report egress cost from the collector's history (it runs with --history FILE).")
final class CostCommand implements Callable<Integer> {
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Option(names = "--connect", paramLabel = "HOST:PORT", description = "The collector (default: ${DEFAULT-VALUE}).")
  String connect = HostPort.DEFAULT_COLLECTOR;

  @Option(names = "--since", paramLabel = "span", description = "Minutes from this long ago on, e.g. 90m, 24h, 7d (default: ${DEFAULT-VALUE}).")
  String since = "24h";

  @Option(names = {"--group", "--by"}, paramLabel = "nodes|classes|remotes|ports|namespaces|workloads",
      description = "Lines by node (default), destination class, remote address, remote port, or the local end's namespace or workload (a collector with --kubernetes), as console --group; the singular (node, class ...) is taken too.")
  String by = "nodes";

  @Option(names = "--format", paramLabel = "table|csv|json", description = "Output (default: ${DEFAULT-VALUE}).")
  String format = "table";

  @Option(names = "--json", description = "The same as --format json.")
  boolean json;

  @Option(names = "--exact", description = "Table: bytes as exact integers rather than in iftop's units (48.0MB). CSV and JSON are always exact.")
  boolean exact;

  @Mixin
  TlsOptions tls;

  @Override
  public Integer call() throws InterruptedException {
    HostPort.resolvable("--connect", connect);
    Duration span = DurationText.parse("--since", since);
    CostGrouping grouping = switch (by) {
      case "nodes", "node" -> CostGrouping.BY_NODE;
      case "classes", "class" -> CostGrouping.BY_CLASS;
      case "remotes", "remote" -> CostGrouping.BY_REMOTE;
      case "ports", "port" -> CostGrouping.BY_SERVICE;
      case "namespaces", "namespace" -> CostGrouping.BY_NAMESPACE;
      case "workloads", "workload" -> CostGrouping.BY_WORKLOAD;
      default -> throw new UserError("invalid --group '" + by + "': use nodes, classes, remotes, ports, namespaces or workloads");
    };
    if (json) {
      if (!List.of("table", "json").contains(format)) {
        throw new UserError("--json and --format " + format + ": give one of them");
      }
      format = "json";
    }
    if (!List.of("table", "csv", "json").contains(format)) {
      throw new UserError("invalid --format '" + format + "': use table, csv or json");
    }
    Instant from = Instant.now().minus(span);
    CostRequest request = CostRequest.newBuilder()
        .setSinceUnixNanos(from.getEpochSecond() * 1_000_000_000L + from.getNano()).setBy(grouping).build();
    ManagedChannel channel = NettyChannelBuilder.forTarget(connect, tls.channelCredentials()).build();
    try {
      CostReport report = HistoryGrpc.newBlockingStub(channel)
          .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).cost(request);
      print(System.out, report, switch (grouping) { // the key's name in the table, the CSV and the JSON
        case BY_CLASS -> "class";
        case BY_REMOTE -> "remote";
        case BY_SERVICE -> "port";
        case BY_NAMESPACE -> "namespace";
        case BY_WORKLOAD -> "workload";
        default -> "node";
      });
      return ExitStatus.OK;
    } catch (StatusRuntimeException e) {
      String why = e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION
          ? Printable.of(e.getStatus().getDescription()) // the collector's own words: it keeps no history
          : StatusText.describe(e.getStatus());
      throw new UserError(connect + ": " + why, e);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private void print(PrintStream out, CostReport report, String keyName) {
    out.print(switch (format) {
      case "csv" -> CostReportRenderer.csv(report, keyName);
      case "json" -> CostReportRenderer.json(report, keyName);
      default -> CostReportRenderer.table(report, keyName, exact);
    });
  }
}
