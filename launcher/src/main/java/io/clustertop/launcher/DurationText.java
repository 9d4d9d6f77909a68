package io.clustertop.launcher;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Spans on the command line: a whole number and s, m, h or d ("90m", "24h", "30d"). */
final class DurationText {
  private static final Pattern SPAN = Pattern.compile("(\\d{1,9})([smhd])");

  private DurationText() {}

  /** The span; a {@link UserError} naming {@code option} if malformed or zero. */
  static Duration parse(String option, String text) {
    Matcher m = SPAN.matcher(text);
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new UserError("invalid " + option + " '" + text + "': use a number and s, m, h or d, e.g. 24h");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
