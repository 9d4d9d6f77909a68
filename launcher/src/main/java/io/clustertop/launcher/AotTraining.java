package io.clustertop.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The training run for the JVM's AOT cache (JEP 483 and 514): in one JVM, what clustertop's
 * commands load, link and profile as they start, so that later runs find it done. It reads a
 * capture the jar ships ({@code -r}, as JSON and as text), captures on the loopback device for a
 * second when it may (root: the kernel ring and libpcap's compiler), and runs the demo for a few
 * seconds (a collector, agents, the console: gRPC, Netty, protobuf). Nothing it prints is kept.
 *
 * <p>{@code CLUSTERTOP_AOT=train bin/clustertop} runs it with {@code -XX:AOTCacheOutput}; setup.sh
 * does that after the build.
 */
public final class AotTraining {
  private AotTraining() {}

  public static void main(String[] args) throws IOException {
    Path capture = Files.createTempFile("clustertop-training", ".pcap");
    PrintStream out = System.out;
    try (InputStream shipped = AotTraining.class.getResourceAsStream("/demo/web.pcap")) {
      if (shipped == null) {
        throw new IllegalStateException("the jar has no /demo/web.pcap: a broken build");
      }
      Files.copy(shipped, capture, StandardCopyOption.REPLACE_EXISTING);
      System.setOut(new PrintStream(OutputStream.nullOutputStream()));
      Main.run("-r", capture.toString(), "-n", "-N", "--json");
      Main.run("-r", capture.toString(), "-n", "-N", "-t", "-L", "20");
      if ("root".equals(System.getProperty("user.name"))) {
        Main.run("-i", "lo", "-n", "-N", "--json", "-s", "1");
      }
      Main.run("demo", "--json", "-s", "3", "--speed", "4");
    } finally {
      System.setOut(out);
      Files.deleteIfExists(capture);
    }
  }
}
