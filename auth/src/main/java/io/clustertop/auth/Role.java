package io.clustertop.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What an identity may do. Named in certificates (a SAN URI {@code clustertop://role/NAME}, or a
 * subject OU that is exactly the name) or in a policy file ({@link PolicyFile}).
 */
public enum Role {
  /** Sends its node's batches (Ingest.Stream), and nothing else. */
  AGENT,
  /** Watches views (Watch.Subscribe), reads the cost history (History.Cost) and /metrics. */
  CONSOLE,
  /** What a console may, and changing an agent's capture filter (Watch.SetCaptureFilter). */
  OPERATOR;

  /** Its name as certificates and policy files write it: {@code agent}, {@code console}, {@code operator}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role of that name (exactly as {@link #label} writes it), if any. */
  public static Optional<Role> named(String label) {
    for (Role r : values()) {
      if (r.label().equals(label)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}
