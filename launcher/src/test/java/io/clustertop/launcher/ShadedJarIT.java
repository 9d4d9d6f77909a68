package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The jar the build ships, as src/build/UpgradeOldClasses.java leaves it: no class older than Java
 * 6, which the JVM's AOT cache would leave out (picocli's were Java 5's), and stack maps the JVM's
 * verifier accepts, with no class falling back to the old verifier (which the cache cannot hold either).
 */
class ShadedJarIT {
  private static final Path JAR = Path.of("target", "clustertop.jar");

  @Test
  void noClassIsOlderThanJava6() throws IOException {
    List<String> old = new ArrayList<>();
    int picocli = 0;
    try (JarFile jar = new JarFile(JAR.toFile())) {
      for (Enumeration<JarEntry> entries = jar.entries(); entries.hasMoreElements(); ) {
        JarEntry entry = entries.nextElement();
        if (!entry.getName().endsWith(".class") || entry.getName().startsWith("META-INF/")) {
          continue;
        }
        try (DataInputStream in = new DataInputStream(jar.getInputStream(entry))) {
          in.readInt(); // magic
          in.readUnsignedShort(); // minor
          int major = in.readUnsignedShort();
          if (major < 50) {
            old.add(entry.getName() + " (" + major + ")");
          }
          if (entry.getName().equals("picocli/CommandLine.class")) {
            picocli = major;
          }
        }
      }
    }
    assertEquals(List.of(), old);
    assertEquals(50, picocli, "picocli's classes were rewritten as Java 6's");
  }

  @Test
  void theVerifierTakesEveryRewrittenClassWithoutFallingBack() throws Exception {
    // A mistyped option: picocli's parser, its help and its exceptions are loaded and verified.
    Process java = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xshare:off", "-Xlog:verification=info", "-jar", JAR.toString(), "--no-such-option")
        .redirectErrorStream(true).start();
    String output;
    try (InputStream in = java.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertEquals(2, java.waitFor(), output.lines().filter(l -> !l.contains("[verification]")).toList().toString());
    assertTrue(output.contains("Verifying class picocli.CommandLine with new format"), "picocli was verified");
    List<String> fallbacks = output.lines().filter(l -> l.contains("Fail over class verification")).toList();
    assertEquals(List.of(), fallbacks);
  }
}
