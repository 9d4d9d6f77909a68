package io.clustertop.launcher;

import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.screen.RowGrouping;
import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.Monitor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code clustertop} with no subcommand: iftop on this host, capture and display in one process,
 * taking iftop's own options (and its {@code ~/.iftoprc}).
 *
 * <p>Options left unset on the command line fall back to the configuration file, then to iftop's
 * defaults, which is why they are boxed: null means "not given here".
 */
@Command(mixinStandardHelpOptions = true, versionProvider = Version.class, name = "clustertop",
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "iftop for a cluster. With no subcommand: iftop on this host, with iftop's options.",
      "Bytes are IP datagram bytes; rates are averaged over 2 s, 10 s and 40 s."
    })
public final class IftopCommand implements Callable<Integer> {
  /**
   * The subcommands, in the order the help lists them, by name. Main adds them only when the
   * command line may name one, and only the first word's when it is one ({@code
   * Main.subcommandsFor}): picocli reads every subcommand's options (and loads their types: gRPC,
   * protobuf) as it builds the parser, about 0.1 s of CPU at each start of the local mode, which
   * needs none. Each name is its command's own (a test checks).
   */
  static final List<Subcommand> SUBCOMMANDS = List.of( // lambdas: a constructor reference loads its class
      new Subcommand("console", () -> new ConsoleCommand()), new Subcommand("agent", () -> new AgentCommand()),
      new Subcommand("collector", () -> new CollectorCommand()), new Subcommand("relay", () -> new RelayCommand()),
      new Subcommand("cost", () -> new CostCommand()), new Subcommand("demo", () -> new DemoCommand()));

  /** A subcommand's name, and how to make it (without loading its class before). */
  record Subcommand(String name, Supplier<Object> command) {}

  @Option(names = "--quiet", scope = ScopeType.INHERIT,
      description = "Log only warnings and errors (the log is on standard error, one line per event).")
  boolean quiet;

  @Option(names = "--log-format", scope = ScopeType.INHERIT, paramLabel = "text|json",
      description = "The log's lines: text, or one JSON object each, for machines (default: ${DEFAULT-VALUE}).")
  String logFormat = "text";

  @Mixin
  CaptureOptions capture;

  @Mixin
  ReportOptions report;

  @Mixin
  ScreenOptions screen;

  @Option(names = "-c", paramLabel = "config file", description = "Read options from this file instead of ~/.iftoprc.")
  Path config;

  @Override
  public Integer call() {
    IftopSettings settings = IftopSettings.resolve(this);
    screen.check();
    PacketSource source = capture.open(settings.interfaceName(), settings.promiscuous(), settings.filter());
    try (source) {
      CaptureAnnouncement.print(source);
      Monitor monitor = new Monitor(source, settings.monitorOptions());
      if (ScreenOptions.wanted(report)) {
        fullScreen(settings, monitor, source);
        return ExitStatus.OK;
      }
      try (LocalOutput output = new LocalOutput(settings, monitor, source.name());
          StopOnSignal signal = new StopOnSignal(monitor::stop, Duration.ofSeconds(5))) {
        monitor.run(output);
      } catch (CaptureException e) {
        throw new UserError(e.getMessage(), e); // the figures up to the failure were printed
      }
    }
    return ExitStatus.OK;
  }

  /** iftop's full screen: the capture runs on its own thread, the screen on this one until q. */
  private void fullScreen(IftopSettings settings, Monitor monitor, PacketSource source) {
    LocalFeed feed = new LocalFeed(source, settings.view());
    Thread capture = Thread.ofPlatform().name("monitor").start(() -> {
      try {
        monitor.run(feed);
      } catch (CaptureException e) {
        feed.failed(e.getMessage());
      }
    });
    try {
      screen.run(feed, new DisplayState(settings.view(), settings.resolveHosts(), settings.resolveServices()),
          settings.units(), settings.configuration(), settings.screenFilter(), RowGrouping.HOST_PAIRS, "");
    } finally {
      monitor.stop();
      try {
        capture.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
