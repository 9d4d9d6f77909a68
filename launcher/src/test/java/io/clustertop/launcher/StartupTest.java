package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.LoopedCapture;
import io.clustertop.agent.stream.AgentId;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.agent.stream.GrpcThreads;
import io.clustertop.agent.stream.IngestClient;
import io.clustertop.proto.v1.AgentIdentity;
import io.grpc.InsecureChannelCredentials;
import io.clustertop.collector.CollectorServer;
import io.clustertop.proto.v1.Grouping;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Start-up, connections and errors as a new user meets them: each subcommand's help and the
 * version; a missing option pointing at its subcommand's help; the log, one line per event, as
 * text or JSON, or only warnings; names that do not resolve, ports that cannot be bound, files that
 * cannot be read, a node the collector does not know: one line, status 2, before any report.
 */
class StartupTest {
  private static final Pattern TEXT_LOG_LINE =
      Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z (INFO|WARNING|SEVERE) \\w+: .+");

  @RegisterExtension
  final StandardStreams streams = new StandardStreams();

  @TempDir
  Path dir;

  private String stdout() {
    return streams.stdout();
  }

  private List<String> stderrLines() {
    return streams.stderrLines();
  }

  private void reset() {
    streams.reset();
  }

  /**
   * Status 2, nothing on standard output (but the "Listening on", "Connecting to" and "Connected
   * to" lines a command prints as it starts), and the last line of standard error is the one error, saying {@code expected}.
   */
  private void assertRefused(String expected, String... args) {
    int status = Main.run(args);
    List<String> lines = stderrLines();
    assertEquals(2, status, () -> Arrays.toString(args) + ": " + lines);
    assertEquals("", stdout().replaceFirst("^Listening on \\S+\n", "").replaceAll("(?m)^Connect(ing|ed) to \\S+\n", ""),
        () -> Arrays.toString(args) + ": nothing reported before the error");
    String last = lines.get(lines.size() - 1);
    assertTrue(last.startsWith("clustertop: ") && last.contains(expected), () -> last + " should say " + expected);
    assertTrue(lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception in")), () -> "no stack trace: " + lines);
    reset();
  }

  @Test
  void everySubcommandHasItsOwnHelpAndTheVersion() {
    for (String sub : List.of("", "agent", "collector", "console", "cost", "demo")) {
      for (String flag : List.of("-h", "--help")) {
        String[] args = sub.isEmpty() ? new String[] {flag} : new String[] {sub, flag};
        assertEquals(0, Main.run(args), () -> Arrays.toString(args));
        String usage = "Usage: clustertop" + (sub.isEmpty() ? "" : " " + sub) + " ";
        assertTrue(stdout().startsWith(usage), () -> Arrays.toString(args) + ": " + stdout().lines().findFirst().orElse(""));
        reset();
      }
    }
    assertEquals(0, Main.run("--version"));
    assertTrue(stdout().startsWith("clustertop " + Version.number() + "\n"), stdout());
    assertTrue(Version.number().matches("\\d+\\.\\d+\\.\\d+.*"), Version.number());
    reset();
    assertEquals(0, Main.run("agent", "--version"));
    assertTrue(stdout().startsWith("clustertop "), stdout());
  }

  @Test
  void aMistakeInASubcommandPointsAtThatSubcommandsHelp() {
    assertEquals(2, Main.run("agent", "--no-such-option"));
    assertEquals(List.of("clustertop: Unknown option: '--no-such-option' (see clustertop agent --help)"), stderrLines());
    reset();
    assertEquals(2, Main.run("cost", "--since"));
    assertTrue(stderrLines().get(0).endsWith("(see clustertop cost --help)"), stderrLines().toString());
  }

  @Test
  void theLogIsOneLinePerEventAsTextOrJsonOrOnlyWarnings() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort(); // nothing listens there once it is closed
    }
    String target = "127.0.0.1:" + closed;
    assertEquals(2, Main.run("console", "--connect", target, "-t", "-s", "2"));
    List<String> lines = stderrLines();
    assertTrue(lines.size() >= 2, lines::toString);
    for (String line : lines.subList(0, lines.size() - 1)) {
      assertTrue(TEXT_LOG_LINE.matcher(line).matches(), () -> "one line per event: " + line);
      assertTrue(line.contains(target + ": unreachable") && line.contains("retrying in"), line);
    }
    assertTrue(lines.get(lines.size() - 1).startsWith("clustertop: no view from " + target), lines.toString());
    reset();

    assertEquals(2, Main.run("console", "--connect", target, "-t", "-s", "2", "--log-format", "json"));
    lines = stderrLines();
    for (String line : lines.subList(0, lines.size() - 1)) {
      assertTrue(line.matches("\\{\"time\":\"[^\"]+Z\",\"level\":\"INFO\",\"logger\":\"io\\.clustertop\\.launcher\\.ConsoleCommand\","
          + "\"message\":\"" + Pattern.quote(target) + ": unreachable.*\"}"), () -> "a JSON object per event: " + line);
    }
    reset();

    assertEquals(2, Main.run("--quiet", "console", "--connect", target, "-t", "-s", "2"));
    assertEquals(1, stderrLines().size(), () -> "only the error: " + stderrLines());
    reset();
    assertEquals(2, Main.run("console", "--quiet", "--connect", target, "-t", "-s", "2"));
    assertEquals(1, stderrLines().size(), () -> "after the subcommand too: " + stderrLines());
    reset();
    assertRefused("invalid --log-format 'xml'", "--log-format", "xml", "-r", "x.pcap");
  }

  @Test
  void aHostNameThatDoesNotResolveIsOneLineForConsoleAndCost() {
    assertRefused("cannot resolve 'nosuchhost.invalid' (--connect)", "console", "--connect", "nosuchhost.invalid:7447",
        "-t", "-s", "1");
    assertRefused("cannot resolve 'nosuchhost.invalid' (--connect)", "console", "--connect", "nosuchhost.invalid:7447",
        "--json");
    assertRefused("cannot resolve 'nosuchhost.invalid' (--connect)", "cost", "--connect", "nosuchhost.invalid:7447");
    assertRefused("cannot resolve 'nosuchhost.invalid' (--listen)", "collector", "--listen", "nosuchhost.invalid:7447");
  }

  @Test
  void anAgentWhoseCollectorDoesNotResolveRetriesAndSaysWhy() throws Exception {
    List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        said.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(IngestClient.class.getName());
    logger.addHandler(handler);
    AgentIdentity identity = AgentIdentity.newBuilder().setNode("n1").setAgentId(AgentId.random()).setEpoch(1).build();
    try (GrpcThreads threads = new GrpcThreads();
        IngestClient client = IngestClient.forTarget("nosuchcollector.invalid:7447" /* in no hosts file (test/hosts): refused at once, no DNS asked */, InsecureChannelCredentials.create(),
        identity, new BatchBuffer(10), threads)) {
      client.start();
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (said.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
    } finally {
      logger.removeHandler(handler);
    }
    assertTrue(said.size() >= 2, () -> "a line for each retry: " + said);
    for (String line : said.subList(0, 2)) {
      assertTrue(line.startsWith("cannot reach the collector at nosuchcollector.invalid:7447: UNAVAILABLE"), line);
      assertTrue(line.contains("Unable to resolve host nosuchcollector.invalid") && line.contains("; retrying in "), line);
    }
  }

  @Test
  void aPortThatCannotBeBoundSaysWhy() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String address = "127.0.0.1:" + taken.getLocalPort();
      assertRefused("cannot listen on " + address + " (--listen): the port is in use", "collector", "--listen", address);
      assertRefused("cannot listen on " + address + " (--listen): the port is in use",
          "agent", "-r", MainTest.capture("mix.pcap").toString(), "--node", "n1", "--listen", address);
    }
    // beyond loopback: --insecure, else it is refused before binding for want of mutual TLS (ExposureTest)
    assertRefused("cannot listen on 203.0.113.77:7447 (--listen): that address is not one of this host's",
        "collector", "--listen", "203.0.113.77:7447", "--insecure");
  }

  @Test
  void aConfigurationFileThatCannotBeReadSaysWhy() throws Exception {
    String mix = MainTest.capture("mix.pcap").toString();
    assertRefused("cannot read configuration file " + dir.resolve("absent") + ": no such file",
        "-c", dir.resolve("absent").toString(), "-r", mix, "-t");
    assertRefused("cannot read configuration file " + dir + ": it is a directory", "-c", dir.toString(), "-r", mix, "-t");
    assertRefused("--config " + dir + ": cannot read it: it is a directory", "collector", "--config", dir.toString());
  }

  @Test
  void aDirectoryOrAFileOfAnotherKindIsRefusedBeforeAnyReport() throws Exception {
    assertRefused(dir + ": a directory, not a capture file", "-r", dir.toString(), "-t");
    Path text = Files.writeString(dir.resolve("notes.txt"), "these are not packets\n");
    assertRefused(text + ": not a pcap or pcapng file at byte 0, after 0 packets", "-r", text.toString(), "-t");
    Path tiny = Files.write(dir.resolve("tiny.pcap"), new byte[] {1, 2});
    assertRefused("too short to be a capture file (2 bytes)", "-r", tiny.toString(), "-n", "-N", "--json");
  }

  @Test
  void aNodeTheCollectorDoesNotKnowIsSaid() throws Exception {
    try (DemoCluster cluster = DemoCluster.start("127.0.0.1:0", List.of(DemoNode.shipped().get(0)), 1,
        LoopedCapture.FOREVER)) {
      String web = DemoNode.shipped().get(0).name();
      assertRefused(cluster.target() + " knows no node 'nosuch'", "console", "--connect", cluster.target(), "--node",
          "nosuch", "-t", "-s", "3", "-n", "-N");
      assertEquals(0, Main.run("console", "--connect", cluster.target(), "--node", web, "-t", "-s", "3", "-n", "-N"),
          () -> stderrLines().toString());
      assertTrue(stdout().contains("Nodes: 1 node: 1 reporting"), stdout());
    }
  }

  @Test
  void groupingsAreSpelledOneWayAndTakeTheOtherAndClientsFindTheCollectorWhereItListens() {
    assertEquals(Grouping.NODES, ConsoleCommand.grouping("nodes"));
    assertEquals(Grouping.NODES, ConsoleCommand.grouping("node"));
    assertEquals(Grouping.DESTINATION_CLASSES, ConsoleCommand.grouping("class"));
    assertRefused("invalid --group 'colour': use nodes, classes, remotes, ports, namespaces or workloads", "cost",
        "--by", "colour");
    assertRefused("--json and --format csv: give one of them", "cost", "--json", "--format", "csv");
    assertRefused("invalid --group 'colour'", "console", "--by", "colour", "--json");

    ConsoleCommand console = new ConsoleCommand();
    new CommandLine(console).parseArgs();
    CostCommand cost = new CostCommand();
    new CommandLine(cost).parseArgs();
    AgentCommand agent = new AgentCommand();
    new CommandLine(agent).parseArgs();
    CollectorCommand collector = new CollectorCommand();
    new CommandLine(collector).parseArgs();
    assertEquals(List.of("127.0.0.1:7447", "127.0.0.1:7447", "127.0.0.1:7447", "127.0.0.1:7447"),
        List.of(console.connect, cost.connect, agent.collectorTarget(), collector.listen));
  }
}
