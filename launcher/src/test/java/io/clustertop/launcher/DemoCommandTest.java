package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code clustertop demo} as a user meets it: a run that ends after a report, and its user errors. */
class DemoCommandTest {

  @Test
  void aRunPrintsTheClusterThroughTheConsoleAndEnds() {
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      status = Main.run("demo", "--nodes", "web,batch", "--speed", "10", "--json", "-n", "-N", "-s", "6");
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
    // After 6 s at least one 2-second slot with batches in it has been completed and published.
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("2 agents replaying web, batch at speed 10.0; another console: "
        + "clustertop console --connect 127.0.0.1:"), err.toString(StandardCharsets.UTF_8));
    String last = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(last.startsWith("{\"time\":") && last.contains("\"source\":\"cluster\""), last);
    assertTrue(last.contains("\"src\":\"batch/10.77.0.4\""), "the noisy node's traffic, named after it: " + last);
  }

  @Test
  void userErrorsAreOneLineAndStatusTwo() {
    for (List<String> args : List.of(List.of("demo", "--speed", "0"), List.of("demo", "--nodes", "web,nope"),
        List.of("demo", "--listen", "nowhere"))) {
      PrintStream saved = System.err;
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status;
      try {
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        status = Main.run(args.toArray(String[]::new));
      } finally {
        System.setErr(saved);
      }
      String text = err.toString(StandardCharsets.UTF_8);
      assertEquals(2, status, args + ": " + text);
      assertEquals(1, text.lines().count(), args + ": " + text);
      assertTrue(text.startsWith("clustertop: invalid "), text);
    }
  }

  /** A bad console option is refused before the cluster starts, with the console's own message. */
  @Test
  void aBadDisplayOptionIsRefusedBeforeTheClusterStarts() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      status = Main.run("demo", "--group", "rooms");
    } finally {
      System.setErr(saved);
    }
    String text = err.toString(StandardCharsets.UTF_8);
    assertEquals(2, status, text);
    assertEquals(List.of("clustertop: invalid --group 'rooms': use pairs, nodes, remotes, ports, classes,"
        + " processes, containers, namespaces, workloads, pods or services"),
        text.lines().toList(), text);
  }
}
