package io.clustertop.launcher;

import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.capture.LiveCapture;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code clustertop} with no subcommand: iftop on this host, capture and display in one process,
 * taking iftop's own options (and its {@code ~/.iftoprc}).
 *
 * <p>Options left unset on the command line fall back to the configuration file, then to iftop's
 * defaults, which is why they are boxed: null means "not given here".
 */
@Command(
    name = "clustertop",
    subcommands = {ConsoleCommand.class, AgentCommand.class, CollectorCommand.class},
    mixinStandardHelpOptions = false,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "iftop for a cluster. With no subcommand: iftop on this host, with iftop's options.",
      "Bytes are IP datagram bytes; rates are averaged over 2 s, 10 s and 40 s."
    })
public final class IftopCommand implements Callable<Integer> {

  @Option(names = "-h", usageHelp = true, description = "Print this help and exit.")
  boolean help;

  @Option(names = "-i", paramLabel = "interface", description = "Listen on this interface (default: the first up, non-loopback one).")
  String interfaceName;

  @Option(names = "-r", paramLabel = "file", description = "Read packets from a pcap or pcapng file instead; windows follow the packets' timestamps.")
  Path file;

  @Option(names = "-f", paramLabel = "filter code", description = "A BPF filter (tcpdump syntax) for the packets to count.")
  String filter;

  @Option(names = "-F", paramLabel = "net/mask", description = "IPv4 network whose traffic counts, as the local side.")
  String netFilter4;

  @Option(names = "-G", paramLabel = "net6/mask6", description = "IPv6 network whose traffic counts, as the local side.")
  String netFilter6;

  @Option(names = "-l", description = "Display and count IPv6 link-local traffic.")
  Boolean linkLocal;

  @Option(names = "-p", description = "Promiscuous mode: count traffic between other hosts too.")
  Boolean promiscuous;

  @Option(names = "-n", description = "Don't look up host names.")
  Boolean noDns;

  @Option(names = "-N", description = "Don't convert port numbers to service names.")
  Boolean noServices;

  @Option(names = "-P", description = "Show ports as well as hosts.")
  Boolean ports;

  @Option(names = "-b", description = "Don't display bar graphs (full-screen display).")
  Boolean noBars;

  @Option(names = "-B", description = "Display bandwidth in bytes.")
  Boolean bytes;

  @Option(names = "-u", paramLabel = "unit", description = "Bandwidth unit: bits, bytes or packets.")
  String unit;

  @Option(names = "-m", paramLabel = "limit", description = "Upper limit of the bar scale, e.g. 100M (full-screen display).")
  String maxBandwidth;

  @Option(names = "-c", paramLabel = "config file", description = "Read options from this file instead of ~/.iftoprc.")
  Path config;

  @Option(names = "-t", description = "Text output: print to standard output, no full-screen display.")
  Boolean text;

  @Option(names = "--json", description = "Print one JSON object per interval, one per line (see the README for the schema).")
  boolean json;

  @Option(names = "-s", paramLabel = "num", description = "Print one report after num seconds, then exit.")
  Integer seconds;

  @Option(names = "-L", paramLabel = "num", description = "Number of lines to print (text mode; default 10).")
  Integer lines;

  @Option(names = "-o", paramLabel = "2s|10s|40s|source|destination", description = "Sort by this column (default 10s).")
  String sort;

  @Option(names = "--max-conversations", paramLabel = "n",
      description = "Conversations kept with their history; past it the idlest fold into \"other\" (default: ${DEFAULT-VALUE}).")
  int maxConversations = MonitorOptions.DEFAULT_MAX_CONVERSATIONS;

  @Option(names = "--max-flows-per-second", paramLabel = "n",
      description = "New conversations one second can hold before the rest count as \"other\" (default: ${DEFAULT-VALUE}).")
  int maxFlowsPerInterval = MonitorOptions.DEFAULT_MAX_FLOWS_PER_INTERVAL;

  @Option(names = "--snaplen", paramLabel = "bytes", description = "Bytes captured of each packet (default: ${DEFAULT-VALUE}).")
  int snaplen = LiveCapture.DEFAULT_SNAPLEN;

  @Option(names = "--buffer", paramLabel = "bytes", description = "Kernel capture buffer (default: ${DEFAULT-VALUE}).")
  int bufferBytes = LiveCapture.DEFAULT_BUFFER_BYTES;

  @Override
  public Integer call() {
    IftopSettings settings = IftopSettings.resolve(this);
    PacketSource source = open(settings);
    try (source) {
      announce(source);
      Monitor monitor = new Monitor(source, settings.monitorOptions());
      LocalOutput output = new LocalOutput(settings, monitor, source.name());
      Thread main = Thread.currentThread();
      Thread hook = new Thread(() -> {
        monitor.stop(); // Ctrl-C: stop capturing, print the final figures, then exit
        try {
          main.join(5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      Runtime.getRuntime().addShutdownHook(hook);
      try {
        monitor.run(output);
      } catch (CaptureException e) {
        throw new UserError(e.getMessage(), e); // the figures up to the failure were printed
      } finally {
        output.close();
        removeHook(hook);
      }
    }
    return ExitStatus.OK;
  }

  private PacketSource open(IftopSettings settings) {
    try {
      if (file != null) {
        return CaptureFile.open(file);
      }
      return LiveCapture.open(settings.interfaceName(), settings.promiscuous(), settings.filter(), snaplen, bufferBytes);
    } catch (CaptureException e) {
      throw new UserError(e.getMessage(), e);
    }
  }

  /**
   * iftop's start-up lines on standard error. Live, they come once the handle is active: every
   * packet from then on reaches the ring, so a script can wait for them before sending traffic.
   */
  private static void announce(PacketSource source) {
    if (!source.live()) {
      return;
    }
    System.err.println("interface: " + source.name());
    source.localAddresses().stream().filter(a -> a.version() == 4).findFirst()
        .ifPresent(a -> System.err.println("IP address is: " + a));
    source.localAddresses().stream().filter(a -> a.version() == 6).findFirst()
        .ifPresent(a -> System.err.println("IPv6 address is: " + a));
    if (source.localMac() >= 0) {
      System.err.println("MAC address is: " + HexFormat.ofDelimiter(":").formatHex(
          ByteBuffer.allocate(8).putLong(source.localMac()).array(), 2, 8));
    }
    System.err.println("capturing on " + source.name());
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook is running and waits for us
    }
  }
}
