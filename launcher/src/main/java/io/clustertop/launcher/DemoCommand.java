package io.clustertop.launcher;

import io.clustertop.agent.capture.LoopedCapture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code clustertop demo}: a cluster in one process, without root. A collector, and an agent per
 * node replaying that node's capture of real traffic (shipped in the jar, recorded in test
 * namespaces by test/captures/record-demo.sh) again and again, time moving on; then the console on
 * the collector, through the same command as {@code clustertop console}. Quitting the console (or
 * Ctrl-C) stops them all.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, name = "demo", sortOptions = false, usageHelpAutoWidth = true,
    description = "A cluster in one process, no root needed: a collector, agents replaying captures of real traffic "
        + "in a loop, and the console on them.")
final class DemoCommand implements Callable<Integer> {
  private static final System.Logger LOG = System.getLogger(DemoCommand.class.getName());
  /** Ctrl-C: how long the exit waits for the console, once the cluster is stopped. */
  private static final Duration EXIT_GRACE = Duration.ofMillis(500);

  @Option(names = "--nodes", split = ",", paramLabel = "name",
      description = "Which nodes run (default: all: web, db, worker, batch).")
  List<String> nodes;

  @Option(names = "--speed", paramLabel = "x", description = "x times the captures' pace (default: ${DEFAULT-VALUE}).")
  double speed = 1;

  @Option(names = "--listen", paramLabel = "host:port",
      description = "The collector's address, for more consoles (clustertop console --connect) (default: 127.0.0.1, a free port).")
  String listen = "127.0.0.1:0";

  @Option(names = "--group", paramLabel = "pairs|nodes|remotes|ports|classes",
      description = "Rows by host pair (default), by node, by remote address, by port or by destination class.")
  String group = "pairs";

  @Mixin
  ReportOptions report;

  @Override
  public Integer call() throws InterruptedException {
    if (!(speed > 0) || Double.isInfinite(speed)) {
      // An endless replay must be paced: unpaced, its timestamps would run ahead of the collector's clock.
      throw new UserError("invalid --speed " + speed + ": use a number above 0");
    }
    List<DemoNode> selected = selectedNodes();
    ConsoleCommand.grouping(group); // a bad --group is refused before anything starts
    try (DemoCluster cluster = DemoCluster.start(listen, selected, speed, LoopedCapture.FOREVER);
        StopOnSignal signal = new StopOnSignal(cluster::close, EXIT_GRACE)) {
      LOG.log(System.Logger.Level.INFO, selected.size() + " agents replaying "
          + String.join(", ", selected.stream().map(DemoNode::name).toList()) + " at speed " + speed
          + "; another console: clustertop console --connect " + cluster.target());
      return console(cluster.target());
    }
  }

  private List<DemoNode> selectedNodes() {
    List<DemoNode> shipped = DemoNode.shipped();
    if (nodes == null) {
      return shipped;
    }
    List<String> known = shipped.stream().map(DemoNode::name).toList();
    for (String name : nodes) {
      if (!known.contains(name)) {
        throw new UserError("invalid --nodes '" + name + "': the demo's nodes are " + String.join(", ", known));
      }
    }
    return shipped.stream().filter(n -> nodes.contains(n.name())).toList();
  }

  /** The console as {@code clustertop console --connect} runs it, display options included. */
  private int console(String target) throws InterruptedException {
    ConsoleCommand console = new ConsoleCommand();
    new CommandLine(console).parseArgs("--connect", target, "--group", group);
    console.report = report;
    return console.call();
  }
}
