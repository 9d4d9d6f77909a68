package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.CollectorServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code clustertop collector --config/--check-config/--history} and {@code clustertop cost}: user errors and a report. */
class CostCommandTest {
  @TempDir
  Path dir;

  @Test
  void checkConfigSaysOkOrTheLineAndTheReason() throws Exception {
    Path good = Files.writeString(dir.resolve("good.conf"), "network object-store 203.0.113.128/25\nprice object-store egress 0.001\n");
    Path bad = Files.writeString(dir.resolve("bad.conf"), "# prices\nprice internet egress -1\n");
    assertEquals(ExitStatus.OK, Main.run("collector", "--check-config", good.toString()));
    String err = stderrOf(() -> assertEquals(ExitStatus.USAGE, Main.run("collector", "--check-config", bad.toString())));
    assertEquals("clustertop: " + bad + ":2: price -1 is negative\n", err);
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--check-config", dir.resolve("missing.conf").toString()));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--config", bad.toString(), "--listen", "127.0.0.1:0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--history", dir.resolve("h.db").toString(),
        "--history-retention", "forever", "--listen", "127.0.0.1:0"));
  }

  @Test
  void costChecksItsOptions() {
    assertEquals(ExitStatus.USAGE, Main.run("cost", "--connect", "127.0.0.1:1", "--by", "colour"));
    assertEquals(ExitStatus.USAGE, Main.run("cost", "--connect", "127.0.0.1:1", "--since", "0h"));
    assertEquals(ExitStatus.USAGE, Main.run("cost", "--connect", "127.0.0.1:1", "--format", "xml"));
  }

  @Test
  void aCollectorWithoutHistorySaysHowToKeepOne() throws Exception {
    CollectorServer server = TestCollector.start("--listen", "127.0.0.1:0");
    try {
      String err = stderrOf(() -> assertEquals(ExitStatus.USAGE, Main.run("cost", "--connect", "127.0.0.1:" + server.port())));
      assertEquals("clustertop: 127.0.0.1:" + server.port()
          + ": this collector keeps no history: start it with --history FILE\n", err);
    } finally {
      server.stop();
    }
  }

  @Test
  void anEmptyHistoryReportsNothing() throws Exception {
    CollectorServer server = TestCollector.start("--listen", "127.0.0.1:0", "--history", dir.resolve("h.db").toString());
    String target = "127.0.0.1:" + server.port();
    try {
      assertEquals("class,egress_bytes,ingress_bytes,internal_bytes,bytes,cost,currency\ntotal,0,0,0,0,0,USD\n",
          stdoutOf("cost", "--connect", target, "--by", "class", "--format", "csv"));
      // the table names its byte columns for what is charged, in iftop's units, and says what each is charged
      assertEquals("""
          CLASS  SENT OUT  RECEIVED IN  BETWEEN NODES  COST USD
          total        0B           0B             0B         0
          (no minutes in the history for this span)

          sent out: from a node to outside the nodes, charged the class's egress price
          received in: to a node from outside the nodes, charged the class's ingress price
          between nodes: from one node to another, counted once, charged the class's egress and ingress price
          """, stdoutOf("cost", "--connect", target, "--by", "class"));
      assertEquals(List.of("NODE   SENT OUT  RECEIVED IN  BETWEEN NODES  COST USD",
              "total         0            0              0         0"),
          stdoutOf("cost", "--connect", target, "--exact").lines().limit(2).toList());
    } finally {
      server.stop();
    }
    assertTrue(Files.size(dir.resolve("h.db")) > 0);
  }

  private static String stdoutOf(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    try {
      assertEquals(ExitStatus.OK, Main.run(args));
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String stderrOf(Runnable r) {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setErr(saved);
    }
    return err.toString(StandardCharsets.UTF_8);
  }
}
