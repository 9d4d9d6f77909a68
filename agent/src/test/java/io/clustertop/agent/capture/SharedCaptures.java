package io.clustertop.agent.capture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The public captures in {@code ../shared/pcaps} beside the repository, where CI puts them. */
final class SharedCaptures {
  private SharedCaptures() {}

  /** The folder, or null when this checkout has none beside it. */
  static Path folder() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolveSibling("shared").resolve("pcaps");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  static List<Path> all() throws IOException {
    Path folder = folder();
    if (folder == null) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(folder)) {
      return files
          .filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().equals("LICENSE") && !p.toString().endsWith(".md"))
          .sorted()
          .toList();
    }
  }
}
