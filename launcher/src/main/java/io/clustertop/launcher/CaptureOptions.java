package io.clustertop.launcher;

import io.clustertop.agent.capture.CaptureException;
import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.capture.LiveCapture;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.core.flow.IpAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * What to capture and how much to keep: iftop's capture options and our limits, shared by the
 * local mode and the agent. Boxed where iftop's configuration file may fill in what the command
 * line left out (null: not given here).
 */
final class CaptureOptions {
  static final String FILE_AND_FILTER =
      "-f applies to live capture; to filter a file, write the filtered file with tcpdump -r FILE -w OUT 'filter'";

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

  @Option(names = "--address", paramLabel = "ip",
      description = "An address of this host (repeatable): traffic to or from it is local. Default: the interface's, or a pcapng file's own.")
  List<String> addresses = new ArrayList<>();

  @Option(names = "--mac", paramLabel = "mac",
      description = "This host's MAC address: Ethernet frames from it were sent, to it received. Default: the interface's, or a pcapng file's own.")
  String mac;

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

  @Option(names = "--capture-method", paramLabel = "auto|ring|libpcap",
      description = "How to read live packets: the kernel's ring directly, else libpcap (auto, the default); only the ring; "
          + "only libpcap's loop.")
  String captureMethod = "auto";

  /** The monitor's options, with -F and -G (or the configuration's values for them) checked. */
  MonitorOptions monitorOptions(String net4, String net6, boolean countLinkLocal) {
    if (maxConversations < 1 || maxFlowsPerInterval < 1) {
      throw new UserError("--max-conversations and --max-flows-per-second must be at least 1");
    }
    return new MonitorOptions(IftopSettings.network("-F", net4, 4), IftopSettings.network("-G", net6, 6),
        countLinkLocal, maxFlowsPerInterval, maxConversations)
        .withLocalAddresses(localAddresses())
        .withLocalMac(mac == null ? -1 : macAddress(mac));
  }

  /** {@code --address}, checked: numeric addresses only, never a name to look up. */
  List<IpAddress> localAddresses() {
    List<IpAddress> parsed = new ArrayList<>();
    for (String text : addresses) {
      parsed.add(IpAddress.parseNumeric(text)
          .orElseThrow(() -> new UserError("invalid --address '" + text + "': not a numeric IP address")));
    }
    return parsed;
  }

  /** Six hexadecimal bytes separated by colons or dashes, in the low 48 bits. */
  static long macAddress(String text) {
    if (!text.matches("\\p{XDigit}{2}([:-]\\p{XDigit}{2}){5}")) {
      throw new UserError("invalid --mac '" + text + "': use six hexadecimal bytes, e.g. 02:42:ac:11:00:02");
    }
    return Long.parseLong(text.replaceAll("[:-]", ""), 16);
  }

  private LiveCapture.Method method() {
    return switch (captureMethod) {
      case "auto" -> LiveCapture.Method.AUTO;
      case "ring" -> LiveCapture.Method.RING;
      case "libpcap" -> LiveCapture.Method.LIBPCAP;
      default -> throw new UserError("invalid --capture-method '" + captureMethod + "': use auto, ring or libpcap");
    };
  }

  /** The file, or the interface with these resolved settings. */
  PacketSource open(String resolvedInterface, boolean resolvedPromiscuous, String resolvedFilter) {
    if (file != null && resolvedFilter != null) {
      throw new UserError(FILE_AND_FILTER);
    }
    if (snaplen < 68 || bufferBytes < 1 << 20) {
      throw new UserError("--snaplen must be at least 68 and --buffer at least 1048576");
    }
    try {
      return file != null
          ? CaptureFile.open(file)
          : LiveCapture.open(resolvedInterface, resolvedPromiscuous, resolvedFilter, snaplen, bufferBytes, method());
    } catch (CaptureException e) {
      throw new UserError(e.getMessage(), e);
    }
  }
}
