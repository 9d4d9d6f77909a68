package io.clustertop.launcher;

import io.clustertop.console.remote.WatchClient;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.SortOrder;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clustertop console}: the view of an agent (its node) or of the collector (the cluster),
 * printed as iftop's text mode or as JSON lines, like the local mode.
 */
@Command(name = "console", sortOptions = false, usageHelpAutoWidth = true,
    description = "Print the view of an agent (its node) or of the collector (the cluster).")
final class ConsoleCommand implements Callable<Integer> {

  @Option(names = "-h", usageHelp = true, description = "Print this help and exit.")
  boolean help;

  @Option(names = "--connect", required = true, paramLabel = "HOST:PORT", description = "The agent or collector to attach to.")
  String connect;

  @Option(names = "--group", paramLabel = "pairs|nodes|remotes|ports",
      description = "Rows by host pair (default), by node, by remote address or by port (collector).")
  String group = "pairs";

  @Option(names = "--node", paramLabel = "NODE", description = "Through the collector: only this node's traffic.")
  String node;

  @Option(names = "-t", description = "Text output (the default until the full-screen display exists).")
  boolean text;

  @Option(names = "--json", description = "One JSON object per report, one per line.")
  boolean json;

  @Option(names = "-s", paramLabel = "num", description = "Print one report after num seconds, then exit.")
  Integer seconds;

  @Option(names = "-L", paramLabel = "num", description = "Rows to print (default 10).")
  int lines = IftopSettings.DEFAULT_TEXT_LINES;

  @Option(names = "-o", paramLabel = "2s|10s|40s|source|destination", description = "Sort by this column (default 10s).")
  String sort = "10s";

  @Option(names = "-B", description = "Display bandwidth in bytes.")
  boolean bytes;

  @Option(names = "-u", paramLabel = "unit", description = "Bandwidth unit: bits, bytes or packets.")
  String unit;

  @Option(names = "-n", description = "Don't look up host names.")
  boolean noDns;

  @Option(names = "-N", description = "Don't convert port numbers to service names.")
  boolean noServices;

  @Option(names = "-P", description = "Show ports as well as hosts.")
  boolean ports;

  @Override
  public Integer call() throws InterruptedException {
    HostPort.parse("--connect", connect);
    WatchRequest request = request();
    Units units = unit != null ? parse(() -> Units.parse(unit)) : bytes ? Units.BYTES : Units.BITS;
    if (seconds != null && seconds < 1) {
      throw new UserError("invalid -s " + seconds + ": the number of seconds must be at least 1");
    }
    BlockingQueue<ViewSnapshot> latest = new ArrayBlockingQueue<>(1);
    String[] lastProblem = {null};
    try (WatchClient client = new WatchClient(connect);
        SnapshotPrinter printer = new SnapshotPrinter(System.out, units, json, !noDns, !noServices)) {
      client.subscribe(request, new WatchClient.Listener() {
        @Override
        public void snapshot(ViewSnapshot snapshot) {
          latest.clear(); // the printer takes the newest; an older one waiting is stale
          latest.offer(snapshot);
        }

        @Override
        public void disconnected(Status status, long retryMillis) {
          lastProblem[0] = describe(status);
          System.err.printf("clustertop: %s: %s; retrying in %.1f s%n", connect, lastProblem[0], retryMillis / 1000.0);
        }
      });
      printer.listening(connect);
      long deadline = seconds == null ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      ViewSnapshot newest = null;
      while (true) {
        ViewSnapshot next = latest.poll(200, TimeUnit.MILLISECONDS);
        if (next != null) {
          newest = next;
          if (seconds == null) {
            printer.print(ViewWire.fromProto(next));
          }
        }
        if (System.nanoTime() >= deadline) {
          if (newest == null) {
            throw new UserError("no view from " + connect + " in " + seconds + " s"
                + (lastProblem[0] == null ? "" : ": " + lastProblem[0]));
          }
          printer.print(ViewWire.fromProto(newest));
          return ExitStatus.OK;
        }
      }
    }
  }

  private WatchRequest request() {
    ViewOptions view = new ViewOptions(true, true, ports ? PortDisplay.ON : PortDisplay.OFF,
        parse(() -> SortOrder.parse(sort)), lines, row -> true, List.of());
    if (lines < 1) {
      throw new UserError("invalid -L " + lines + ": the number of lines must be at least 1");
    }
    Grouping grouping = switch (group) {
      case "pairs" -> Grouping.HOST_PAIRS;
      case "nodes" -> Grouping.NODES;
      case "remotes" -> Grouping.REMOTE_ADDRESSES;
      case "ports" -> Grouping.PORTS;
      default -> throw new UserError("invalid --group '" + group + "': use pairs, nodes, remotes or ports");
    };
    WatchRequest.Builder b = ViewWire.toProto(view).toBuilder().setGrouping(grouping);
    if (node != null) {
      b.setNode(node);
    }
    return b.build();
  }

  private static String describe(Status status) {
    String why = status.getCause() != null && status.getCause().getMessage() != null
        ? status.getCause().getMessage()
        : status.getDescription();
    String what = status.getCode() == Status.Code.UNAVAILABLE ? "unreachable" : status.getCode().toString();
    return why == null ? what : what + " (" + why + ")";
  }

  private static <T> T parse(java.util.function.Supplier<T> parser) {
    try {
      return parser.get();
    } catch (IllegalArgumentException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
