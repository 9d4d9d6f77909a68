package io.clustertop.console.screen;

/**
 * The full scale of the bars: iftop's steps (64 kbit/s to 1 Gbit/s, extended to 1 Tbit/s for a
 * cluster), or a fixed maximum ({@code -m}).
 *
 * <p>iftop's scale only grows, and its first jump overshoots by a step; ours follows the traffic
 * both ways: it grows at once to the first step the largest bar fits under, and comes down one step
 * after the bars have fitted under the lower step for {@value #SHRINK_AFTER} snapshots in a row,
 * so that a burst does not flatten the bars for good and one quiet slot does not make them jump.
 *
 * <p>Values are in the bar's unit: bits per second (also when figures are shown in bytes, as iftop
 * does), or packets per second.
 *
 * <p>Thread safety: none; the screen's thread owns it.
 */
public final class BarScale {
  private static final double[] STEPS = {64e3, 128e3, 256e3, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12};
  static final int SHRINK_AFTER = 5;

  private final double pinned;
  private int step;
  private int fittedLower;

  private BarScale(double pinned) {
    this.pinned = pinned;
  }

  /** A scale that follows the traffic. */
  public static BarScale following() {
    return new BarScale(0);
  }

  /** {@code -m}: a fixed maximum. */
  public static BarScale pinned(double max) {
    if (!(max > 0)) {
      throw new IllegalArgumentException("the scale's maximum must be positive");
    }
    return new BarScale(max);
  }

  /** Takes the largest bar value of a new snapshot. */
  public void follow(double largest) {
    if (pinned > 0) {
      return;
    }
    int fit = 0;
    while (fit < STEPS.length - 1 && largest > STEPS[fit]) {
      fit++;
    }
    if (fit > step) {
      step = fit;
      fittedLower = 0;
    } else if (fit < step && ++fittedLower >= SHRINK_AFTER) {
      step--;
      fittedLower = 0;
    } else if (fit == step) {
      fittedLower = 0;
    }
  }

  /** The value a full-width bar stands for. */
  public double max() {
    return pinned > 0 ? pinned : STEPS[step];
  }

  /**
   * iftop's {@code get_bar_length}: the columns a bar of {@code value} spans on a screen {@code
   * width} wide, linear or logarithmic (where a value of 1 has no length); 0 for no traffic.
   */
  public int length(double value, int width, boolean logarithmic) {
    if (!(value > 0)) {
      return 0;
    }
    double fraction = logarithmic ? Math.log(value) / Math.log(max()) : value / max();
    return (int) (float) (fraction * width);
  }

  /**
   * The values iftop marks on the ruler: five equal steps on the linear scale; on the logarithmic
   * one 10, 100, ... (every second power of ten above 100 Mbit/s), up to the maximum.
   */
  public double[] ticks(boolean logarithmic) {
    double max = max();
    if (!logarithmic) {
      return new double[] {max / 5, 2 * max / 5, 3 * max / 5, 4 * max / 5, max};
    }
    double interval = max > 1e8 ? 100 : 10;
    int n = 0;
    for (double v = 10; v <= max; v *= interval) {
      n++;
    }
    double[] ticks = new double[n];
    double v = 10;
    for (int i = 0; i < n; i++, v *= interval) {
      ticks[i] = v;
    }
    return ticks;
  }
}
