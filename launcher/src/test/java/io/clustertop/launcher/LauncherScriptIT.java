package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The JVM bin/clustertop starts for a command: reading a file runs with the C1 compiler only (C2's
 * compiles cost more than they save on a file), a live capture and the subcommands keep C2.
 */
class LauncherScriptIT {
  private static final Path SCRIPT = Path.of("..", "bin", "clustertop");
  private static final String CAPTURE = Path.of("src", "main", "resources", "demo", "web.pcap").toString();
  private static final Pattern STOP_LEVEL = Pattern.compile("(?m)^\\s*intx TieredStopAtLevel\\s+=\\s+(\\d+)");

  /** The JVM's TieredStopAtLevel for this command line, as the JVM itself prints it. */
  private static int stopLevel(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("CLUSTERTOP_JAVA_OPTS", "-XX:+PrintFlagsFinal");
    builder.environment().put("CLUSTERTOP_AOT", "off");
    Process process = builder.start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    process.waitFor();
    Matcher m = STOP_LEVEL.matcher(output);
    if (!m.find()) {
      throw new AssertionError("no TieredStopAtLevel in the JVM's flags: " + output.lines().limit(5).toList());
    }
    return Integer.parseInt(m.group(1));
  }

  @Test
  void readingAFileCompilesWithC1Only() throws Exception {
    assertEquals(1, stopLevel("-r", CAPTURE, "-n", "-N", "--json"));
  }

  @Test
  void everythingElseKeepsC2() throws Exception {
    assertEquals(4, stopLevel("--version"));
    assertEquals(4, stopLevel("agent", "--help"));
    assertEquals(4, stopLevel("collector", "--help"));
  }
}
