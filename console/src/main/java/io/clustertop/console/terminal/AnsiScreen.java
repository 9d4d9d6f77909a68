package io.clustertop.console.terminal;

import io.clustertop.console.screen.ScreenLine;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts frames on an ANSI terminal without flicker: each frame rewrites only the lines that
 * changed since the last one, in place (cursor to the line, the text, erase to its end), and the
 * whole frame goes out in one write. Only a resize clears the screen.
 *
 * <p>Reverse video is the only attribute (bars, messages, the selected row): it follows the
 * terminal's own colours, so the screen stays readable on dark and light backgrounds alike.
 *
 * <p>Thread safety: none; one thread draws.
 */
public final class AnsiScreen {
  private static final String CSI = "\u001b[";
  private final PrintStream out;
  private List<ScreenLine> shown = new ArrayList<>();

  public AnsiScreen(PrintStream out) {
    this.out = out;
  }

  /** Draws {@code lines}; those equal to what is on screen are left alone. */
  public void draw(List<ScreenLine> lines) {
    StringBuilder b = new StringBuilder();
    for (int y = 0; y < lines.size(); y++) {
      ScreenLine line = lines.get(y);
      if (y < shown.size() && shown.get(y).equals(line)) {
        continue;
      }
      b.append(CSI).append(y + 1).append(";1H");
      if (line.selected()) {
        selected(b, line, y == lines.size() - 1);
      } else {
        plain(b, line);
      }
    }
    shown = List.copyOf(lines);
    if (!b.isEmpty()) {
      out.print(b);
      out.flush();
    }
  }

  /** The bar in reverse video, the rest as it is. */
  private static void plain(StringBuilder b, ScreenLine line) {
    String text = line.text();
    int reverse = Math.min(line.reverse(), text.length());
    if (reverse > 0) {
      b.append(CSI).append("7m").append(text, 0, reverse).append(CSI).append("27m");
    }
    // Trailing blanks are erased rather than written: the last column of the last line is never
    // written, so no terminal scrolls.
    int end = text.length();
    while (end > reverse && text.charAt(end - 1) == ' ') {
      end--;
    }
    b.append(text, reverse, end).append(CSI).append("K");
  }

  /**
   * Inverted: the bar in normal video, the rest of the line in reverse video to the right edge.
   * Its blanks are written, not erased (an erase does not take reverse video), except the last
   * column of the last line, which would scroll the terminal.
   */
  private static void selected(StringBuilder b, ScreenLine line, boolean lastLine) {
    String text = line.text();
    int end = lastLine ? Math.max(0, text.length() - 1) : text.length();
    int bar = Math.min(line.reverse(), end);
    b.append(text, 0, bar).append(CSI).append("7m").append(text, bar, end).append(CSI).append("27m");
  }

  /** Forgets what is on screen and clears it: after a resize, every line is drawn again. */
  public void clear() {
    shown = new ArrayList<>();
    out.print(CSI + "2J");
    out.flush();
  }
}
