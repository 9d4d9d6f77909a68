package io.clustertop.launcher;

import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.remote.RemoteFeed;
import io.clustertop.console.remote.StatusText;
import io.clustertop.console.terminal.Printable;
import io.clustertop.console.screen.RowGrouping;
import java.util.Map;
import io.clustertop.console.remote.WatchClient;
import io.clustertop.console.text.TextRenderer;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.Status;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop console}: the view of an agent (its node) or of the collector (the cluster),
 * printed as iftop's text mode or as JSON lines, like the local mode.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, name = "console", sortOptions = false, usageHelpAutoWidth = true,
    description = "Print the view of an agent (its node) or of the collector (the cluster).")
final class ConsoleCommand implements Callable<Integer> {
  private static final System.Logger LOG = System.getLogger(ConsoleCommand.class.getName());

  @Option(names = "--connect", paramLabel = "HOST:PORT",
      description = "The agent or collector to attach to (default: ${DEFAULT-VALUE}).")
  String connect = HostPort.DEFAULT_COLLECTOR;

  @Option(names = {"--group", "--by"}, paramLabel = "pairs|nodes|remotes|ports|classes|processes|containers|namespaces|workloads|pods|services",
      description = "Rows by host pair (default), by node, by remote address, by port or by destination class (collector); by local process or container (agent, and collector per node); by namespace, workload, pod or Service (collector with --kubernetes); the singular (node, class ...) is taken too.")
  String group = "pairs";

  @Option(names = "--cost", description = "Text mode: print each row's egress cost after the report (collector; nodes, remotes, ports, classes). JSON carries it always.")
  boolean cost;

  @Option(names = "--node", paramLabel = "NODE", description = "Through the collector: only this node's traffic.")
  String node;

  @Option(names = "--within", paramLabel = "NAME", description = "Rows by workload: only this namespace's; by pod: only this workload's (namespace/Kind/name), as enter drills down.")
  String within;

  @Option(names = "--pod", paramLabel = "NAMESPACE/NAME", description = "Through the collector with --kubernetes: only this pod's conversations (its own view).")
  String pod;

  @Mixin
  ReportOptions report;

  @Mixin
  TlsOptions tls;

  @Mixin
  ScreenOptions screen;

  @Override
  public Integer call() throws InterruptedException {
    HostPort.resolvable("--connect", connect);
    screen.check();
    WatchRequest request = request();
    Units units = report.units(false);
    if (ScreenOptions.wanted(report)) {
      try (WatchClient client = new WatchClient(connect, tls.channelCredentials());
          RemoteFeed feed = new RemoteFeed(client)) {
        DisplayState state = new DisplayState(ViewWire.fromProto(request), report.noDns == null || !report.noDns,
            report.noServices == null || !report.noServices);
        screen.run(feed, state, units, Map.of(), null, grouping(request), node == null ? "" : node);
      }
      return ExitStatus.OK;
    }
    Integer seconds = report.seconds(null);
    BlockingQueue<ViewSnapshot> latest = new ArrayBlockingQueue<>(1);
    String[] lastProblem = {null};
    Status[] refused = {null};
    // false until a view comes, and again after the stream broke: then "Connected to" is said (again)
    AtomicBoolean connected = new AtomicBoolean();
    try (WatchClient client = new WatchClient(connect, tls.channelCredentials());
        SnapshotPrinter printer = new SnapshotPrinter(System.out, units, report.json,
            report.noDns == null || !report.noDns, report.noServices == null || !report.noServices)) {
      client.subscribe(request, new WatchClient.Listener() {
        @Override
        public void snapshot(ViewSnapshot snapshot) {
          latest.clear(); // the printer takes the newest; an older one waiting is stale
          latest.offer(snapshot);
        }

        @Override
        public void disconnected(Status status, long retryMillis) {
          connected.set(false);
          lastProblem[0] = StatusText.describe(status);
          LOG.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT, "%s: %s; retrying in %.1f s",
              connect, lastProblem[0], retryMillis / 1000.0));
        }

        @Override
        public void refused(Status status) {
          refused[0] = status;
        }
      });
      printer.say(TextRenderer.connecting(connect));
      long deadline = seconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      ViewSnapshot newest = null;
      while (true) {
        ViewSnapshot next = latest.poll(200, TimeUnit.MILLISECONDS);
        if (refused[0] != null) {
          throw new UserError(connect + " refused the view: " + Printable.of(refused[0].getDescription()));
        }
        if (next != null) {
          if (!connected.getAndSet(true)) {
            printer.say(TextRenderer.connected(connect));
          }
          if (newest == null && seconds == null && !knowsNode(next)) {
            LOG.log(System.Logger.Level.WARNING, unknownNode() + " (yet: the reports follow)");
          }
          newest = next;
          if (seconds == null) {
            printer.print(next, costText());
          }
        }
        if (System.nanoTime() >= deadline) {
          if (newest == null) {
            throw new UserError("no view from " + connect + " in " + seconds + " s"
                + (lastProblem[0] == null ? "" : ": " + lastProblem[0]));
          }
          if (!knowsNode(newest)) {
            throw new UserError(unknownNode());
          }
          printer.print(newest, costText());
          return ExitStatus.OK;
        }
      }
    }
  }

  private WatchRequest request() {
    boolean ports = report.ports != null && report.ports;
    ViewOptions view = new ViewOptions(true, true, ports ? PortDisplay.ON : PortDisplay.OFF,
        report.sortOrder("10s"), report.lines(IftopSettings.DEFAULT_TEXT_LINES), ViewOptions.ALL_ROWS, List.of());
    WatchRequest.Builder b = ViewWire.toProto(view).toBuilder().setGrouping(grouping(group));
    if (node != null) {
      b.setNode(node);
    }
    if (within != null) {
      b.setWithin(within);
    }
    if (pod != null) {
      b.setPod(pod);
    }
    return b.build();
  }

  /** With {@code --node}: whether the view's node list has it (a view of the collector names the nodes it shows). */
  private boolean knowsNode(ViewSnapshot snapshot) {
    return node == null || snapshot.getNodesList().stream().anyMatch(n -> n.getNode().equals(node));
  }

  private String unknownNode() {
    return connect + " knows no node '" + Printable.of(node) + "' (--node names a node of the collector's view)";
  }

  /**
   * {@code --group}'s value as the watch request's grouping: plural as documented, singular as
   * {@code cost --group} spells its values too.
   */
  static Grouping grouping(String group) {
    return switch (group) {
      case "pairs", "pair" -> Grouping.HOST_PAIRS;
      case "nodes", "node" -> Grouping.NODES;
      case "remotes", "remote" -> Grouping.REMOTE_ADDRESSES;
      case "ports", "port" -> Grouping.PORTS;
      case "classes", "class" -> Grouping.DESTINATION_CLASSES;
      case "processes", "process" -> Grouping.PROCESSES;
      case "containers", "container" -> Grouping.CONTAINERS;
      case "namespaces", "namespace" -> Grouping.NAMESPACES;
      case "workloads", "workload" -> Grouping.WORKLOADS;
      case "pods", "pod" -> Grouping.PODS;
      case "services", "service" -> Grouping.SERVICES;
      default -> throw new UserError("invalid --group '" + group + "': use pairs, nodes, remotes, ports, classes,"
          + " processes, containers, namespaces, workloads, pods or services");
    };
  }

  private static RowGrouping grouping(WatchRequest request) {
    return switch (request.getGrouping()) {
      case NODES -> RowGrouping.NODES;
      case REMOTE_ADDRESSES -> RowGrouping.REMOTE_ADDRESSES;
      case PORTS -> RowGrouping.PORTS;
      case DESTINATION_CLASSES -> RowGrouping.DESTINATION_CLASSES;
      case PROCESSES -> RowGrouping.PROCESSES;
      case CONTAINERS -> RowGrouping.CONTAINERS;
      case NAMESPACES -> RowGrouping.NAMESPACES;
      case WORKLOADS -> RowGrouping.WORKLOADS;
      case PODS -> RowGrouping.PODS;
      case SERVICES -> RowGrouping.SERVICES;
      default -> request.getPorts() == io.clustertop.proto.v1.PortDisplay.PORTS_ON ? RowGrouping.HOST_PORT_PAIRS : RowGrouping.HOST_PAIRS;
    };
  }

  /** A new grouping has no text of iftop's to keep as it was, so the cost lines come without asking. */
  private boolean costText() {
    return cost || grouping(group) == Grouping.DESTINATION_CLASSES;
  }
}
