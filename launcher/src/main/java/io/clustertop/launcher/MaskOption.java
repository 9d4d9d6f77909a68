package io.clustertop.launcher;

import io.clustertop.core.privacy.RemoteMask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code --mask-remote prefix | hash:KEYFILE} as core's {@link RemoteMask}, or a one-line {@link UserError}. */
final class MaskOption {
  private MaskOption() {}

  static RemoteMask parse(String option, String value) {
    if (value == null) {
      return RemoteMask.OFF;
    }
    if (value.equals("prefix")) {
      return RemoteMask.prefix(24, 48);
    }
    if (value.startsWith("hash:") && value.length() > 5) {
      Path file = Path.of(value.substring(5));
      byte[] key;
      try {
        key = Files.readAllBytes(file);
      } catch (IOException e) {
        throw new UserError(option + " " + value + ": cannot read the key: " + FileProblem.why(e), e);
      }
      if (key.length < 16) {
        throw new UserError(option + " " + value + ": the key file holds " + key.length
            + " bytes; at least 16 (e.g. head -c 32 /dev/urandom > " + file + ")");
      }
      return RemoteMask.hash(key);
    }
    throw new UserError(option + " " + value + ": prefix (a /24 or /48 in place of a public address) or hash:KEYFILE");
  }
}
