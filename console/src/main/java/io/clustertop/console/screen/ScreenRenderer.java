package io.clustertop.console.screen;

import io.clustertop.console.terminal.Printable;
import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.keys.LineDisplay;
import io.clustertop.console.names.EndpointNames;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.Window;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Draws a snapshot as iftop 1.0pre4's full screen ({@code ui.c}'s {@code ui_print}), into lines of
 * text without touching a terminal:
 *
 * <pre>{@code
 *                 12.5Kb          25.0Kb          37.5Kb          50.0Kb    62.5Kb   <- bar scale
 * └───────────────┴───────────────┴───────────────┴───────────────┴───────────────
 * 10.77.90.1                 => 10.77.90.2                 40.2Kb  28.1Kb  28.1Kb   <- a row, its bar
 *                            <=                            40.2Kb  28.1Kb  28.1Kb      in reverse video
 * ...
 * cost (USD): 0.0284/h at 10 s, 0.0281/h at 40 s, 0.0113 so far                    <- cost line
 * 127.0.0.1:7447 · cluster, host pairs · 3 nodes: 3 reporting · connected            <- status line
 * ────────────────────────────────────────────────────────────────────────────────
 * TX:             cum:   14.1KB   peak:   40.2Kb  rates:   40.2Kb  28.1Kb  28.1Kb
 * RX:                    14.1KB           40.2Kb           40.2Kb  28.1Kb  28.1Kb
 * TOTAL:                 28.1KB           80.3Kb           80.3Kb  56.2Kb  56.2Kb
 * }</pre>
 *
 * <p>The columns are iftop's: three 8-column figures at the right edge (a fourth, the cumulative
 * total, before them with {@code T}), the two host columns sharing what is left; a row takes two
 * lines or one ({@code t}); each line's bar is the first columns of the line in reverse video, of
 * the length {@link BarScale#length} gives for the average {@code B} selects. Two additions: the
 * rows' "other" row, so that the rows add up to the totals, and, for a cluster, the nodes a row
 * comes from on its second line and the status line above the footer. With a collector's cost
 * (rows by node, class, remote address or port), a row's second line has its cost in the right-hand
 * host column (empty there in iftop), and a line above the status line the view's total cost.
 *
 * <p>Thread safety: immutable; a render reads only its arguments.
 */
public final class ScreenRenderer {
  /** iftop's {@code HISTORY_DIVISIONS * 8}: the three figures at the right of each line. */
  private static final int FIGURES_WIDTH = 24;
  private static final int FIGURE_WIDTH = 8;
  /** Lines below the rows: the rule and TX, RX, TOTAL. */
  private static final int FOOTER_LINES = 4;

  private final Units units;
  private final Glyphs glyphs;

  public ScreenRenderer(Units units, Glyphs glyphs) {
    this.units = units;
    this.glyphs = glyphs;
  }

  /**
   * @param snapshot what to show; null before the first one arrives
   * @param cost the snapshot's cost, a line per row in the order of its rows; null without cost
   * @param scale the bars' scale, already following this snapshot
   */
  public List<ScreenLine> render(Snapshot snapshot, ViewCost cost, DisplayState state, EndpointNames names,
      BarScale scale, Overlay overlay, int width, int height) {
    Canvas canvas = new Canvas(width, height);
    int y = 0;
    if (state.bars()) {
      ruler(canvas, scale, state.logScale());
      y = 2;
    } else {
      canvas.line(0, glyphs.line);
      y = 1;
    }
    int footer = height - FOOTER_LINES;
    int below = footer; // the first line below the rows: the status line, the cost line, the footer
    if (overlay.status() != null) {
      canvas.put(--below, 0, overlay.status());
    }
    if (snapshot != null && cost != null) {
      canvas.put(--below, 0, ScreenCost.total(cost, width));
    }
    if (state.help()) {
      for (String line : HelpText.lines(overlay.attachment())) {
        if (y >= below) {
          break;
        }
        canvas.put(y++, 0, line);
      }
    } else if (snapshot == null) {
      canvas.put(y, 0, "(waiting for the first report)");
    } else {
      // iftop leaves the line above the rule to a row's second line
      rows(canvas, snapshot, cost, state, names, scale, overlay.selected(), y, below - 1);
    }
    canvas.line(footer, glyphs.line);
    if (snapshot != null) {
      footer(canvas, snapshot.totals(), footer + 1);
    }
    if (overlay.message() != null) {
      // The whole line: a message over the scale's figures would leave pieces of them after it.
      String message = " " + overlay.message() + " ";
      canvas.line(0, ' ');
      canvas.put(0, 0, message);
      canvas.reverse(0, message.length());
    }
    return canvas.lines();
  }

  /** iftop's {@code draw_bar_scale}: the figures on line 0, the rule with its ticks on line 1. */
  private void ruler(Canvas canvas, BarScale scale, boolean log) {
    canvas.line(1, glyphs.line);
    for (double tick : scale.ticks(log)) {
      String label = units.scaleLabel(units == Units.BYTES ? tick / 8 : tick, log);
      int x = scale.length(tick, canvas.width, log);
      canvas.put(1, x, String.valueOf(glyphs.tick));
      canvas.put(0, Math.min(x, canvas.width - label.length()), label);
    }
    canvas.put(1, 0, String.valueOf(glyphs.corner));
  }

  private void rows(Canvas canvas, Snapshot snapshot, ViewCost cost, DisplayState state, EndpointNames names,
      BarScale scale, int selected, int y, int rowsEnd) {
    List<Row> rows = new ArrayList<>(snapshot.rows());
    if (snapshot.other() != null) {
      rows.add(snapshot.other());
    }
    LineDisplay mode = state.lineDisplay();
    int hostWidth = Math.max(1, (canvas.width - FIGURES_WIDTH - 4) / 2 - (state.cumulative() ? 4 : 0));
    for (int i = Math.min(state.scroll(), Math.max(0, rows.size() - 1)); i < rows.size() && y < rowsEnd; i++) {
      Row row = rows.get(i);
      boolean other = row == snapshot.other();
      String left = other ? column("(other)", hostWidth) : names.column(row, row.left(), hostWidth);
      String right = other ? column(conversations(row), hostWidth) : names.column(row, row.right(), hostWidth);
      canvas.put(y, 0, left);
      canvas.put(y, hostWidth, switch (mode) {
        case TWO_LINES, ONE_LINE_SENT -> " => ";
        case ONE_LINE_RECEIVED -> " <= ";
        case ONE_LINE_BOTH -> "<=> ";
      });
      canvas.put(y, hostWidth + 4, right);
      if (mode == LineDisplay.TWO_LINES) {
        canvas.put(y + 1, hostWidth, " <= ");
        if (!other && !row.nodes().isEmpty()) {
          canvas.put(y + 1, 1, column(Printable.of(String.join(",", row.nodes())), hostWidth - 1));
        }
        ViewCost.Line rowCost = costOf(cost, snapshot, i);
        if (rowCost != null) {
          canvas.put(y + 1, hostWidth + 4, column(ScreenCost.row(rowCost, hostWidth - 1), hostWidth));
        }
      }
      Traffic first = switch (mode) {
        case TWO_LINES, ONE_LINE_SENT -> row.sent();
        case ONE_LINE_RECEIVED -> row.received();
        case ONE_LINE_BOTH -> row.total();
      };
      figures(canvas, y, first, state, scale);
      if (mode == LineDisplay.TWO_LINES) {
        figures(canvas, y + 1, row.received(), state, scale);
      }
      if (i == selected) {
        canvas.select(y, mode.linesPerRow());
      }
      y += mode.linesPerRow();
    }
  }

  /** iftop's {@code draw_line_totals}: the averages at the right edge, the cumulative before them, the bar. */
  private void figures(Canvas canvas, int y, Traffic traffic, DisplayState state, BarScale scale) {
    int x = canvas.width - FIGURES_WIDTH;
    if (state.cumulative()) {
      canvas.put(y, x - FIGURE_WIDTH, units.cumulative(traffic));
    }
    Rates rates = units.rates(traffic);
    for (Window window : Window.values()) {
      canvas.put(y, x, units.rate(rates.get(window)));
      x += FIGURE_WIDTH;
    }
    if (state.bars()) {
      int length = scale.length(barValue(traffic, state.barWindow()), canvas.width, state.logScale());
      if (length > 0) {
        canvas.reverse(y, length + 1);
      }
    }
  }

  /** What a bar measures: bits per second (bytes are shown in bytes but scaled in bits, as iftop), or packets. */
  public double barValue(Traffic traffic, Window window) {
    return units == Units.PACKETS ? traffic.packetsPerSecond().get(window) : traffic.bytesPerSecond().get(window) * 8;
  }

  /** The largest bar a snapshot has, for the scale to follow. */
  public double largestBar(Snapshot snapshot, DisplayState state) {
    double largest = 0;
    for (Row row : snapshot.rows()) {
      Window w = state.barWindow();
      largest = Math.max(largest, switch (state.lineDisplay()) {
        case TWO_LINES -> Math.max(barValue(row.sent(), w), barValue(row.received(), w));
        case ONE_LINE_SENT -> barValue(row.sent(), w);
        case ONE_LINE_RECEIVED -> barValue(row.received(), w);
        case ONE_LINE_BOTH -> barValue(row.total(), w);
      });
    }
    return largest;
  }

  /** iftop's footer: TX, RX and TOTAL with the cumulative bytes, the peaks and the rates. */
  private void footer(Canvas canvas, Totals totals, int y) {
    Traffic sent = totals.sent();
    Traffic received = totals.received();
    canvas.put(y, 0, "TX:");
    canvas.put(y + 1, 0, "RX:");
    canvas.put(y + 2, 0, "TOTAL:");
    canvas.put(y, 16, "cum: ");
    canvas.put(y, 22, units.cumulative(sent));
    canvas.put(y + 1, 22, units.cumulative(received));
    canvas.put(y + 2, 22, units.cumulative(sent.plus(received)));
    // iftop keeps a slot's peak in an int and divides by 2 in integers: whole bytes; in bytes for packets too.
    Units peakUnits = units == Units.PACKETS ? Units.BYTES : units;
    canvas.put(y, 32, "peak: ");
    canvas.put(y, 39, peakUnits.rate(Math.floor(sent.peakBytesPerSecond())));
    canvas.put(y + 1, 39, peakUnits.rate(Math.floor(received.peakBytesPerSecond())));
    canvas.put(y + 2, 39, peakUnits.rate(Math.floor(totals.peakTotalBytesPerSecond())));
    int x = canvas.width - FIGURES_WIDTH;
    canvas.put(y, x - FIGURE_WIDTH, "rates:");
    Rates sentRates = units.rates(sent);
    Rates receivedRates = units.rates(received);
    for (Window window : Window.values()) {
      canvas.put(y, x, units.rate(sentRates.get(window)));
      canvas.put(y + 1, x, units.rate(receivedRates.get(window)));
      canvas.put(y + 2, x, units.rate(sentRates.get(window) + receivedRates.get(window)));
      x += FIGURE_WIDTH;
    }
  }

  /** Row {@code i}'s cost (the rows, then "other"), or null. */
  private static ViewCost.Line costOf(ViewCost cost, Snapshot snapshot, int i) {
    if (cost == null) {
      return null;
    }
    return i < snapshot.rows().size() ? cost.rows().get(i) : cost.other();
  }

  private static String conversations(Row other) {
    return other.conversations() == 1 ? "(1 conversation)" : "(" + other.conversations() + " conversations)";
  }

  private static String column(String text, int width) {
    return EndpointNames.column(text, "", false, width);
  }

  /** A screen of characters written as curses' {@code mvaddstr} writes: later text over earlier, cut at the edges. */
  private static final class Canvas {
    final int width;
    final char[][] cells;
    final int[] reverse;
    final boolean[] selected;

    Canvas(int width, int height) {
      this.width = width;
      cells = new char[height][width];
      for (char[] line : cells) {
        Arrays.fill(line, ' ');
      }
      reverse = new int[height];
      selected = new boolean[height];
    }

    void put(int y, int x, String text) {
      if (y < 0 || y >= cells.length || x < 0) {
        return;
      }
      int n = Math.min(text.length(), width - x);
      if (n > 0) {
        text.getChars(0, n, cells[y], x);
      }
    }

    void line(int y, char c) {
      if (y >= 0 && y < cells.length) {
        Arrays.fill(cells[y], c);
      }
    }

    void reverse(int y, int length) {
      if (y >= 0 && y < cells.length) {
        reverse[y] = Math.min(length, width);
      }
    }

    void select(int y, int lines) {
      for (int i = y; i < y + lines && i < cells.length; i++) {
        selected[i] = true;
      }
    }

    List<ScreenLine> lines() {
      List<ScreenLine> lines = new ArrayList<>(cells.length);
      for (int y = 0; y < cells.length; y++) {
        lines.add(new ScreenLine(new String(cells[y]), reverse[y], selected[y]));
      }
      return lines;
    }
  }
}
