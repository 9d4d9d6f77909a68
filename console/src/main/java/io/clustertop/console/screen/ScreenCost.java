package io.clustertop.console.screen;

import io.clustertop.console.cost.ViewCost;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * What the full screen writes for cost: short amounts, in as many words as the room allows. The
 * exact figures are the text mode's and the JSON's ({@code --cost}, {@code --json}); a screen
 * needs figures that can be read at a glance and fit a host column of 26 characters at 80 columns.
 */
final class ScreenCost {
  /** Small amounts keep three significant digits, so that a few megabytes' cost does not read 0.00. */
  private static final MathContext SMALL = new MathContext(3, RoundingMode.HALF_EVEN);

  private ScreenCost() {}

  /**
   * A row's cost, for the right-hand host column of its second line: the rates at 10 s and 40 s and
   * the cost so far where they fit, else the 10 s rate and the cost so far, else the 10 s rate alone.
   */
  static String row(ViewCost.Line line, int width) {
    return fit(width, "", line);
  }

  /** The line of the view's total cost, its currency first. */
  static String total(ViewCost cost, int width) {
    return fit(width, "cost (" + cost.currency() + "): ", cost.total());
  }

  private static String fit(int width, String prefix, ViewCost.Line line) {
    String hour10 = amount(line.perHour10s()) + "/h";
    String soFar = amount(line.soFar()) + " so far";
    String[] choices = {
      prefix + hour10 + " at 10 s, " + amount(line.perHour40s()) + "/h at 40 s, " + soFar,
      prefix + hour10 + ", " + soFar,
    };
    for (String choice : choices) {
      if (choice.length() <= width) {
        return choice;
      }
    }
    return prefix + hour10; // cut at the column's edge if even this does not fit
  }

  /** A rate per hour: doubles from the wire; one that is not a number shows as such rather than failing. */
  static String amount(double value) {
    return Double.isFinite(value) ? amount(BigDecimal.valueOf(value)) : "?";
  }

  static String amount(String exact) {
    return amount(new BigDecimal(exact));
  }

  /** Cents from 1 up; below, three significant digits; never an exponent. */
  static String amount(BigDecimal value) {
    if (value.signum() == 0) {
      return "0";
    }
    BigDecimal shown = value.abs().compareTo(BigDecimal.ONE) >= 0
        ? value.setScale(2, RoundingMode.HALF_EVEN)
        : value.round(SMALL);
    return shown.toPlainString();
  }
}
