package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.agent.watch.NodeWatchService;
import io.clustertop.collector.CollectorServer;
import io.clustertop.core.flow.Network;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code clustertop console} attached over gRPC on 127.0.0.1 to a node's watch service fed from a
 * recorded capture: the console prints the figures of the file.
 */
class ConsoleCommandTest {

  @Test
  void theConsolePrintsTheNodesFiguresAsTheLocalModeWould() throws Exception {
    NodeWatchService service = new NodeWatchService();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CompletableFuture<Integer> console = CompletableFuture.supplyAsync(() -> Main.run(
          "console", "--connect", "127.0.0.1:" + server.getPort(), "--json", "-n", "-N", "-s", "2"));
      for (int i = 0; i < 300 && service.subscribers() == 0; i++) {
        Thread.sleep(10);
      }
      assertEquals(1, service.subscribers(), "the console subscribed");
      try (CaptureFile file = CaptureFile.open(MainTest.capture("mix.pcap"))) {
        new Monitor(file, new MonitorOptions(Network.parse("10.77.0.0/16"), Network.parse("fd77::/16"), true, 1024, 1000))
            .run(view -> {
              if (view.finished()) {
                service.tick(view);
              }
            });
      }
      assertEquals(0, console.get(10, TimeUnit.SECONDS));
    } finally {
      System.setOut(saved);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    String last = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
    // mix.expected with -F 10.77.0.0/16 -G fd77::/16: 48 datagrams, all with a node address on one end
    assertTrue(last.contains("\"decoded\":48"), last);
    assertTrue(last.contains("\"sent_packets\":"), last);
  }

  /** The text mode says where it connects, then that it is connected, before the first report; a collector with no agents, that no node reports yet. */
  @Test
  void theTextModeSaysConnectingThenConnected() throws Exception {
    CollectorServer collector = TestCollector.start("--listen", "127.0.0.1:0");
    String target = "127.0.0.1:" + collector.port();
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(0, Main.run("console", "--connect", target, "-t", "-n", "-N", "-s", "1"));
    } finally {
      System.setOut(saved);
      collector.stop();
    }
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(List.of("Connecting to " + target, "Connected to " + target), lines.subList(0, 2));
    assertTrue(lines.get(2).startsWith("   # Host name"), lines.get(2));
    assertFalse(lines.stream().anyMatch(l -> l.startsWith("Listening on")), "a console listens on nothing");
    // no agent has joined: the node line says so rather than being left out
    assertEquals(List.of("Nodes: none reporting yet"), lines.stream().filter(l -> l.startsWith("Nodes:")).toList());
  }

  /** A view the agent does not offer is a user's mistake: one line, exit status 2, no retrying. */
  @Test
  void aViewTheAgentRefusesEndsTheConsoleWithOneLine() throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new NodeWatchService()).build().start();
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(2, Main.run("console", "--connect", "127.0.0.1:" + server.getPort(), "--group", "nodes", "-t"));
    } finally {
      System.setErr(saved);
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    String stderr = err.toString(StandardCharsets.UTF_8);
    // the test's own server logs gRPC's start-up note here; the command line silences it (Main)
    List<String> lines = stderr.lines().filter(l -> l.startsWith("clustertop:")).toList();
    assertEquals(1, lines.size(), stderr);
    assertFalse(stderr.contains("\tat "), stderr);
    assertTrue(lines.get(0).contains("refused the view: an agent serves its own host pairs"), lines.get(0));
  }
}
