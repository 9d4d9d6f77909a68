package io.clustertop.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The training runs for the JVM's AOT caches (JEP 483 and 514): what a command loads, links and
 * profiles as it starts, so that later runs find it done. The JVM loads every class of a cache at
 * start, needed or not, so each cache holds one kind of command's classes only (a cache trained on
 * the demo too made {@code -r} of 10 packets no faster than no cache at all, measured):
 * <ul>
 *   <li>{@code local}: the local mode, iftop's. It reads a capture the jar ships ({@code -r}, as
 *       JSON and as text) and captures on the loopback device for a second when it may (root: the
 *       kernel ring and libpcap's compiler);
 *   <li>{@code demo}: the demo for a few seconds (a collector, agents, the console: gRPC, Netty,
 *       protobuf) and the console's help, for {@code demo} and {@code console}.
 * </ul>
 * Nothing they print is kept. {@code CLUSTERTOP_AOT=train bin/clustertop} runs both, each with
 * {@code -XX:AOTCacheOutput}; setup.sh does that after the build.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || !(args[0].equals("local") || args[0].equals("demo"))) {
      throw new IllegalArgumentException("AotTraining local|demo");
    }
    PrintStream out = System.out;
    PrintStream err = System.err;
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    System.setOut(nowhere);
    try {
      // A mistyped flag, as users make them: it links picocli's ParameterException, which its
      // CommandLine refers to; left unlinked, the JVM keeps CommandLine and 70 other classes out
      // of the cache ("Unlinked class not supported by AOTClassLinking"). Its message is not
      // kept; what the runs after it say on stderr is (the training's log).
      System.setErr(nowhere);
      try {
        Main.run("--no-such-option");
      } finally {
        System.setErr(err);
      }
      if (args[0].equals("demo")) {
        Main.run("demo", "--json", "-s", "3", "--speed", "4");
        // The console's parser, which the demo's command line no longer builds (one subcommand each).
        Main.run("console", "--help");
      } else {
        local();
      }
    } finally {
      System.setOut(out);
    }
  }

  private static void local() throws IOException {
    Path capture = Files.createTempFile("clustertop-training", ".pcap");
    try (InputStream shipped = AotTraining.class.getResourceAsStream("/demo/web.pcap")) {
      if (shipped == null) {
        throw new IllegalStateException("the jar has no /demo/web.pcap: a broken build");
      }
      Files.copy(shipped, capture, StandardCopyOption.REPLACE_EXISTING);
      Main.run("-r", capture.toString(), "-n", "-N", "--json");
      Main.run("-r", capture.toString(), "-n", "-N", "-t", "-L", "20");
      if ("root".equals(System.getProperty("user.name"))) {
        Main.run("-i", "lo", "-n", "-N", "--json", "-s", "1");
      }
    } finally {
      Files.deleteIfExists(capture);
    }
  }
}
