package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.CollectorServer;
import io.clustertop.relay.RelayServer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code clustertop relay} as started from the command line, and the console attached to it as to a
 * collector: its text mode and JSON say which shards answer and how exact the rows are. (The merge
 * itself is held to one collector's figures in the relay module's tests.)
 */
class RelayCommandTest {
  @RegisterExtension
  final StandardStreams streams = new StandardStreams();

  /** What {@code run} printed on standard error. */
  private String stderrOf(Runnable run) {
    streams.reset();
    run.run();
    return streams.stderr();
  }

  /** What {@code clustertop ARGS} printed on standard output. */
  private String stdoutOf(String... args) {
    streams.reset();
    Main.run(args);
    return streams.stdout();
  }

  @Test
  void mistakesAreOneLineAndStatusTwo() {
    assertEquals(ExitStatus.USAGE, Main.run("relay", "--listen", "127.0.0.1:0"));
    assertEquals(ExitStatus.USAGE, Main.run("relay", "--shards", "127.0.0.1", "--listen", "127.0.0.1:0"));
    String err = stderrOf(() -> assertEquals(ExitStatus.USAGE,
        Main.run("relay", "--shards", "127.0.0.1:7447,127.0.0.1:7447", "--listen", "127.0.0.1:0")));
    assertEquals("clustertop: --shards names a collector twice: its nodes would count twice\n", err);
    assertEquals(ExitStatus.USAGE, Main.run("relay", "--shards", "127.0.0.1:7447", "--shard-rows-factor", "0",
        "--listen", "127.0.0.1:0"));
    assertEquals(ExitStatus.USAGE, Main.run("relay", "--shards", "127.0.0.1:7447", "--listen", "203.0.113.77:7450"));
    err = stderrOf(() -> assertEquals(ExitStatus.USAGE, Main.run("relay", "--shards", "127.0.0.1:7447", "--kafka",
        "127.0.0.1:9092", "--listen", "127.0.0.1:0")));
    assertEquals("clustertop: give the shards with --shards HOST:PORT,..., or --kafka BROKERS to find them in the"
        + " collectors' consumer group (--group): one of the two\n", err);
    assertEquals(ExitStatus.USAGE, Main.run("relay", "--shards", "127.0.0.1:7447", "--group", "g", "--listen", "127.0.0.1:0"));
    assertEquals(ExitStatus.USAGE, Main.run("relay", "--kafka", "127.0.0.1:9092", "--group", " ", "--listen", "127.0.0.1:0"));
    assertEquals(ExitStatus.USAGE, Main.run("relay", "--kafka", "127.0.0.1:9092", "--topic", "t", "--shard-topic", "t",
        "--listen", "127.0.0.1:0"));
  }

  @Test
  void theConsolesTextAndJsonFromARelaySayItsShards() throws Exception {
    CollectorServer a = TestCollector.start("--listen", "127.0.0.1:0");
    CollectorServer b = TestCollector.start("--listen", "127.0.0.1:0");
    RelayCommand command = new RelayCommand();
    new CommandLine(command).parseArgs("--shards", "127.0.0.1:" + a.port() + ",127.0.0.1:" + b.port(),
        "--listen", "127.0.0.1:0");
    RelayServer relay = command.start();
    String target = "127.0.0.1:" + relay.port();
    try {
      List<String> text = stdoutOf("console", "--connect", target, "-t", "-n", "-N", "-s", "5").lines().toList();
      assertEquals(List.of("Connecting to " + target, "Connected to " + target), text.subList(0, 2));
      assertEquals(List.of("Nodes: none reporting yet"), text.stream().filter(l -> l.startsWith("Nodes:")).toList());
      // (a shard said late under load would read "2 of 2 shards answering, 1 late (...); rows exact")
      List<String> relayLines = text.stream().filter(l -> l.startsWith("Relay:")).toList();
      assertEquals(1, relayLines.size(), String.join("\n", text));
      assertTrue(relayLines.get(0).startsWith("Relay: 2 of 2 shards answering") && relayLines.get(0).endsWith("; rows exact"),
          relayLines.get(0));
      String json = stdoutOf("console", "--connect", target, "--json", "--group", "remotes", "-s", "5").strip();
      assertTrue(json.endsWith(",\"relay\":{\"shards\":[{\"address\":\"127.0.0.1:" + a.port()
          + "\",\"answering\":true,\"problem\":null,\"cut\":false},{\"address\":\"127.0.0.1:" + b.port()
          + "\",\"answering\":true,\"problem\":null,\"cut\":false}],\"shard_limit\":40,\"exact\":true,"
          + "\"bound_bytes_per_second\":null}}"), json);

      // a shard gone: said, with why, on the same line
      int gone = b.port();
      b.stop();
      String down = "";
      for (int i = 0; i < 10 && !down.contains("1 of 2"); i++) {
        down = stdoutOf("console", "--connect", target, "-t", "-n", "-N", "-s", "3").lines()
            .filter(l -> l.startsWith("Relay:")).findFirst().orElse("");
      }
      assertTrue(down.startsWith("Relay: 1 of 2 shards answering (127.0.0.1:" + gone + ": unreachable"), down);
      assertTrue(down.endsWith(": its nodes are missing); rows exact"), down);
    } finally {
      relay.stop();
      a.stop();
      b.stop();
      command.tls.close();
    }
  }

  @Test
  void theHelpListsTheRelay() {
    String help = stdoutOf("--help");
    assertTrue(help.contains("relay"), help);
    assertFalse(stdoutOf("relay", "--help").isEmpty());
  }
}
