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
 * compiles cost more than they save on a file), a live capture and the subcommands keep C2; an
 * agent compiles after fewer calls and gives freed native memory back, the others do not.
 */
class LauncherScriptIT {
  private static final Path SCRIPT = Path.of("..", "bin", "clustertop");
  private static final String CAPTURE = Path.of("src", "main", "resources", "demo", "web.pcap").toString();
  /** A flag's value for this command line, as the JVM itself prints it. */
  private static long flag(String name, String... args) throws IOException, InterruptedException {
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
    Matcher m = Pattern.compile("(?m)^\\s*\\w+ " + name + "\\s+=\\s+(\\d+)").matcher(output);
    if (!m.find()) {
      throw new AssertionError("no " + name + " in the JVM's flags: " + output.lines().limit(5).toList());
    }
    return Long.parseLong(m.group(1));
  }

  private static long stopLevel(String... args) throws IOException, InterruptedException {
    return flag("TieredStopAtLevel", args);
  }

  @Test
  void readingAFileCompilesWithC1Only() throws Exception {
    assertEquals(1, stopLevel("-r", CAPTURE, "-n", "-N", "--json"));
    assertEquals(1, stopLevel("-n", "-r" + CAPTURE, "-N", "--json"));
    assertEquals(1, stopLevel("-n", "-N", "--json", "-r=" + CAPTURE));
  }

  @Test
  void everythingElseKeepsC2() throws Exception {
    assertEquals(4, stopLevel("--version"));
    assertEquals(4, stopLevel("agent", "--help"));
    assertEquals(4, stopLevel("collector", "--help"));
  }

  @Test
  void anAgentCompilesEarlyAndTrimsItsNativeMemoryTheOthersDoNot() throws Exception {
    assertEquals(20, flag("Tier3InvocationThreshold", "agent", "--help"));
    assertEquals(30_000, flag("TrimNativeHeapInterval", "agent", "--help"));
    assertEquals(200, flag("Tier3InvocationThreshold", "collector", "--help"));
    assertEquals(0, flag("TrimNativeHeapInterval", "collector", "--help"));
  }
}
