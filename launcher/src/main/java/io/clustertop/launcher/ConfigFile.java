package io.clustertop.launcher;

import io.clustertop.console.config.IftopRc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** iftop's configuration file: {@code -c FILE}, else {@code ~/.iftoprc} when there is one. */
final class ConfigFile {
  private ConfigFile() {}

  /** The file's directives, checked; none when no file was named and there is no ~/.iftoprc. */
  static Map<String, String> read(Path named) {
    Path file = named != null ? named : Path.of(System.getProperty("user.home"), ".iftoprc");
    if (named == null && !Files.isRegularFile(file)) {
      return Map.of();
    }
    try {
      return IftopRc.read(file).values();
    } catch (IftopRc.InvalidConfigException e) {
      throw new UserError("bad configuration: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UserError("cannot read configuration file " + file + ": " + FileProblem.why(e), e);
    }
  }
}
