package io.clustertop.console.screen;

import io.clustertop.console.status.Attachment;
import java.util.ArrayList;
import java.util.List;

/**
 * The help screen ({@code h}): iftop's two columns of keys, with only the keys that do something
 * where the console is attached: {@code f} where a capture can change its filter, the cluster's
 * keys ({@code g}, {@code enter}, {@code esc}) on the collector. Before a remote console knows
 * whether it is attached to an agent or the collector, it lists both.
 */
final class HelpText {
  /** The right-hand column starts here, as in iftop. */
  private static final int RIGHT = 40;

  private static final List<String> LEFT = List.of(
      "Host display:",
      " n - toggle DNS host resolution",
      " s - toggle show source host",
      " d - toggle show destination host",
      " t - cycle line display mode",
      "",
      "Port display:",
      " N - toggle service resolution",
      " S - toggle show source port",
      " D - toggle show destination port",
      " p - toggle port display",
      "",
      "Sorting:",
      " 1/2/3 - sort by 1st/2nd/3rd column",
      " < - sort by source name",
      " > - sort by dest name",
      " o - freeze current order");

  private HelpText() {}

  static List<String> lines(Attachment attachment) {
    List<String> right = new ArrayList<>(List.of(
        "General:",
        " P - pause display",
        " h - toggle this help display",
        " b - toggle bar graph display",
        " B - cycle bar graph average",
        " T - toggle cumulative line totals",
        attachment.groups() ? " j/k - scroll (by node: select)" : " j/k - scroll display"));
    if (attachment.mayChangeCaptureFilter()) {
      right.add(attachment == Attachment.AGENT ? " f - edit filter code (if allowed)" : " f - edit filter code");
    }
    right.addAll(List.of(
        " l - set screen filter",
        " L - lin/log scales",
        " q - quit"));
    if (attachment.groups()) {
      right.addAll(List.of(
          "",
          "Cluster (collector):",
          " g - cycle grouping",
          " enter - open the selected node",
          " esc - back to the cluster"));
    }
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < Math.max(LEFT.size(), right.size()); i++) {
      String left = i < LEFT.size() ? LEFT.get(i) : "";
      String line = i < right.size() ? left + " ".repeat(RIGHT - left.length()) + right.get(i) : left;
      lines.add(line.stripTrailing());
    }
    return lines;
  }
}
