package io.clustertop.console.cost;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The cost lines printed after iftop's text report (whose own lines stay as iftop prints them): per
 * row, the cost per hour at the 10 s and 40 s rates and the cost so far, then "other" and the total.
 */
public final class CostText {
  private CostText() {}

  public static String render(ViewCost cost) {
    List<ViewCost.Line> lines = new ArrayList<>(cost.rows());
    if (cost.other() != null) {
      lines.add(cost.other());
    }
    lines.add(cost.total());
    String heading = "Cost (" + cost.currency() + ")";
    int width = heading.length();
    for (ViewCost.Line l : lines) {
      width = Math.max(width, l.label().length());
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-" + width + "s  %14s  %14s  %s%n", heading,
        "per hour 10s", "per hour 40s", "so far"));
    for (ViewCost.Line l : lines) {
      sb.append(String.format(Locale.ROOT, "%-" + width + "s  %14.6f  %14.6f  %s%n", l.label(), l.perHour10s(),
          l.perHour40s(), l.soFar()));
    }
    return sb.toString();
  }
}
