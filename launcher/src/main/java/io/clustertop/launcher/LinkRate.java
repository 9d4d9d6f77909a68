package io.clustertop.launcher;

/** A link's rate on the command line, "400G", "25G", "100M", "10000000": bits per second, k/M/G/T powers of 1000. */
final class LinkRate {
  private LinkRate() {}

  /** The rate in bytes per second, or a {@link UserError} naming the option. */
  static long bytesPerSecond(String option, String text) {
    String t = text.strip();
    long unit = 1;
    if (!t.isEmpty()) {
      switch (Character.toUpperCase(t.charAt(t.length() - 1))) {
        case 'K' -> unit = 1_000L;
        case 'M' -> unit = 1_000_000L;
        case 'G' -> unit = 1_000_000_000L;
        case 'T' -> unit = 1_000_000_000_000L;
        default -> unit = 1;
      }
    }
    String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
    long bits;
    try {
      bits = Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UserError(option + " " + text + ": not a rate in bits per second (e.g. 400G, 25G, 100M)");
    }
    if (bits < 8) {
      throw new UserError(option + " " + text + ": at least 8 bits per second");
    }
    return bits / 8;
  }
}
