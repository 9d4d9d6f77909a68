package io.clustertop.core.units;

import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Traffic;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The unit a display shows rates in, and iftop's {@code readable_size}: the figure iftop prints in
 * each column, with its rounding, its suffixes and its field width.
 *
 * <p>iftop formats a number in {@code float}: it converts the value to {@code float}, multiplies
 * by 8 for bits in {@code float}, compares it with the thresholds in {@code float}, divides in
 * {@code float} and hands the quotient to {@code printf}, which rounds its exact binary value half
 * to even. This class does the same steps in the same precision, so the figures are those iftop
 * prints, down to the last digit (see {@code readable_size} in iftop's {@code ui_common.c}).
 *
 * <p>Cumulative figures are bytes in units of 1024 whatever the rate unit is, as in iftop, except
 * that {@link #PACKETS} shows the cumulative packet count in packet units: iftop's {@code -u
 * packets} counts packets there too but labels them with byte suffixes.
 */
public enum Units {
  /** iftop's default: bytes per second times 8, in steps of 1024. */
  BITS(1024, "b", "Kb", "Mb", "Gb"),
  /** iftop's {@code -B}: bytes per second, in steps of 1024. */
  BYTES(1024, "B", "KB", "MB", "GB"),
  /**
   * iftop's {@code -u packets}: packets per second, in steps of 1000. iftop's table ends in "GB",
   * a slip for "Gp" that only a billion packets per second would show; we print "Gp".
   */
  PACKETS(1000, "p", "Kp", "Mp", "Gp");

  /** {@code readable_size} writes into a 10-byte buffer: at most 9 characters survive. */
  private static final int FIELD_LIMIT = 9;

  private final int step;
  private final String[] suffixes;

  Units(int step, String... suffixes) {
    this.step = step;
    this.suffixes = suffixes;
  }

  /** Parses iftop's {@code -u} names: {@code bits}, {@code bytes}, {@code packets}. */
  public static Units parse(String text) {
    return switch (text) {
      case "bits" -> BITS;
      case "bytes" -> BYTES;
      case "packets" -> PACKETS;
      default -> throw new IllegalArgumentException(
          "invalid unit '" + text + "': use bits, bytes or packets");
    };
  }

  /** The averages this unit shows for one direction: packets per second for packets, else bytes. */
  public Rates rates(Traffic traffic) {
    return this == PACKETS ? traffic.packetsPerSecond() : traffic.bytesPerSecond();
  }

  /**
   * One rate as iftop prints it, e.g. {@code " 1.23Kb"}: a space, the number right-aligned in 4
   * columns, the suffix.
   *
   * @param value bytes per second, or packets per second for {@link #PACKETS}
   */
  public String rate(double value) {
    float n = (float) value;
    if (this == BITS) {
      n *= 8;
    }
    return readableSize(n, step, suffixes);
  }

  /** The cumulative figure of one direction (or of a sum of them, see {@link Traffic#plus}). */
  public String cumulative(Traffic traffic) {
    return this == PACKETS
        ? readableSize((float) traffic.packets(), PACKETS.step, PACKETS.suffixes)
        : bytes(traffic.bytes());
  }

  /** A byte count as iftop prints cumulative totals: bytes in steps of 1024, e.g. {@code " 13.3KB"}. */
  public static String bytes(long bytes) {
    return readableSize((float) bytes, BYTES.step, BYTES.suffixes);
  }

  /**
   * A figure on the full screen's bar scale, without iftop's leading blanks: {@code value} in this
   * unit (bits, bytes or packets per second), in this unit's steps on the linear scale and in steps
   * of 1000 on the logarithmic one, as iftop labels them.
   */
  public String scaleLabel(double value, boolean logarithmic) {
    return readableSize((float) value, logarithmic ? 1000 : step, suffixes).strip();
  }

  private static String readableSize(float n, int step, String[] suffixes) {
    int i = 0;
    float size = 1;
    while (true) {
      if (n < size * 1000 || i >= suffixes.length - 1) {
        return field(n / size, 0, suffixes[i]);
      }
      i++;
      size *= step;
      if (n < size * 10) {
        return field(n / size, 2, suffixes[i]);
      } else if (n < size * 100) {
        return field(n / size, 1, suffixes[i]);
      }
    }
  }

  /** {@code snprintf(buf, 10, " %4.<decimals>f%s", quotient, suffix)}. */
  private static String field(float quotient, int decimals, String suffix) {
    String number = fixed(quotient, decimals);
    String text = " " + " ".repeat(Math.max(0, 4 - number.length())) + number + suffix;
    return text.length() > FIELD_LIMIT ? text.substring(0, FIELD_LIMIT) : text;
  }

  /** C's {@code %.<decimals>f}: the exact binary value rounded half to even, as glibc does. */
  private static String fixed(float value, int decimals) {
    if (Float.isNaN(value)) {
      return "nan";
    }
    if (Float.isInfinite(value)) {
      return value > 0 ? "inf" : "-inf";
    }
    String text = new BigDecimal(value).setScale(decimals, RoundingMode.HALF_EVEN).toPlainString();
    // BigDecimal drops the sign of a negative value that rounds to zero; printf keeps it.
    boolean negative = Float.floatToRawIntBits(value) < 0;
    return negative && !text.startsWith("-") ? "-" + text : text;
  }
}
