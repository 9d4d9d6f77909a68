package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every public capture in {@code ../shared/pcaps} (about 890 files, fuzzer output and packets
 * decades apart among them) through {@code clustertop -r FILE -n -N --json}, the command's own
 * code path run in this JVM: none crashes (exit 0, or 2 with one line saying what is wrong with
 * the file), none takes more than 5 seconds, and every packet read is counted or rejected, as
 * many as libpcap reads.
 *
 * <p>The 5-second bound is not a speed test: a file reads in milliseconds, and a clock walked
 * second by second across a 42-year gap (tcpdump/mobility_opt_asan.pcap) took 37 s; the bound
 * is two orders of magnitude above the normal and catches that kind of fault whatever the load.
 */
class SharedCapturesCommandTest {
  private static final Duration LIMIT = Duration.ofSeconds(5);
  private static final Pattern NUMBER = Pattern.compile("\"%s\":(\\d+)");

  @Test
  void everyPublicCaptureThroughTheCommandInSecondsWithEveryPacketAccountedFor() throws Exception {
    Path repository = repository();
    Path folder = repository.resolveSibling("shared").resolve("pcaps");
    assumeTrue(Files.isDirectory(folder), "../shared/pcaps is not beside this checkout");
    List<Path> files;
    try (Stream<Path> walk = Files.walk(folder)) {
      files = walk.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals("LICENSE") && !p.toString().endsWith(".md"))
          .sorted().toList();
    }
    assertTrue(files.size() > 800, "the corpus: " + files.size() + " files");
    Map<String, Long> libpcap = libpcapCounts(repository);
    PrintStream savedOut = System.out;
    PrintStream savedErr = System.err;
    long slowest = 0;
    String slowestFile = "";
    int refused = 0;
    long packets = 0;
    try {
      for (Path file : files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        long start = System.nanoTime();
        int status = Main.run("-r", file.toString(), "-n", "-N", "--json");
        long took = System.nanoTime() - start;
        String name = folder.relativize(file).toString();
        String stderr = err.toString(StandardCharsets.UTF_8);
        assertTrue(took < LIMIT.toNanos(), () -> name + " took " + took / 1_000_000 + " ms");
        if (took > slowest) {
          slowest = took;
          slowestFile = name;
        }
        assertTrue(status == 0 || status == 2, () -> name + ": exit " + status + ": " + stderr);
        if (status == 2) {
          refused++;
          List<String> lines = stderr.lines().toList();
          assertEquals(1, lines.size(), () -> name + ": one line, no stack trace: " + stderr);
          assertTrue(lines.get(0).startsWith("clustertop: "), () -> name + ": " + stderr);
        } else {
          assertEquals("", stderr, () -> name + ": nothing on standard error");
        }
        String json = out.toString(StandardCharsets.UTF_8).lines().reduce((a, b) -> b).orElse("");
        if (json.isEmpty()) {
          assertEquals(2, status, () -> name + ": no report, so the file was refused before it");
          continue;
        }
        long received = number(json, "capture", "received");
        long decoded = number(json, "capture", "decoded");
        long rejected = number(json, "capture", "rejected");
        long ignored = number(json, "capture", "ignored");
        long counted = number(json, "totals", "sent_packets") + number(json, "totals", "recv_packets");
        assertEquals(received, decoded + rejected, () -> name + ": every packet read is decoded or rejected: " + json);
        assertEquals(decoded, counted + ignored, () -> name + ": every decoded packet is counted or ignored: " + json);
        Long expected = libpcap.get(name);
        if (expected != null) {
          assertEquals(expected, received, () -> name + ": packets read, against libpcap's count");
        }
        packets += received;
      }
    } finally {
      System.setOut(savedOut);
      System.setErr(savedErr);
    }
    System.out.printf("%d captures, %d packets, %d refused with one line; slowest %s, %d ms%n",
        files.size(), packets, refused, slowestFile, slowest / 1_000_000);
  }

  /** The first value of {@code "name":N} in the report's object {@code section} (totals, capture). */
  private static long number(String json, String section, String name) {
    int at = json.indexOf("\"" + section + "\":{");
    assertTrue(at >= 0, () -> section + " in " + json);
    Matcher m = Pattern.compile(String.format(NUMBER.pattern(), name)).matcher(json).region(at, json.length());
    assertTrue(m.find(), () -> name + " in " + json);
    return Long.parseLong(m.group(1));
  }

  /** This checkout's root: the folder with test/captures, above the module's. */
  private static Path repository() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("test").resolve("captures"))) {
        return dir;
      }
    }
    throw new AssertionError("no test/captures above " + Path.of("").toAbsolutePath());
  }

  /** test/captures/shared-counts.sh's table, kept with the agent's tests: file -> packets libpcap reads. */
  private static Map<String, Long> libpcapCounts(Path repository) throws IOException {
    Map<String, Long> counts = new HashMap<>();
    for (String line : Files.readAllLines(
        repository.resolve("agent/src/test/resources/shared-pcaps-libpcap-counts.tsv"))) {
      if (!line.startsWith("#") && !line.isBlank()) {
        String[] f = line.split("\t");
        counts.put(f[0], Long.parseLong(f[1]));
      }
    }
    return counts;
  }
}
