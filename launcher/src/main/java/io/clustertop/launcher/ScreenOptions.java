package io.clustertop.launcher;

import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.keys.LineDisplay;
import io.clustertop.console.names.Namers;
import io.clustertop.console.screen.BarScale;
import io.clustertop.console.screen.FullScreen;
import io.clustertop.console.screen.Glyphs;
import io.clustertop.console.screen.RowGrouping;
import io.clustertop.console.screen.ScreenRenderer;
import io.clustertop.console.screen.ViewFeed;
import io.clustertop.console.terminal.Terminal;
import io.clustertop.core.units.Units;
import java.io.IOException;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Option;

/**
 * The full screen's options (iftop's {@code -b} and {@code -m}, and their {@code ~/.iftoprc}
 * directives with show-totals, line-display and log-scale), and running the screen with them: the
 * same for a local capture and for a console attached to an agent or the collector.
 */
final class ScreenOptions {
  @Option(names = "-b", description = "Don't display bar graphs (full-screen display).")
  Boolean noBars;

  @Option(names = "-m", paramLabel = "limit",
      description = "Upper limit of the bar scale in bits per second, e.g. 100M (k, M, G: powers of 1000).")
  String maxBandwidth;

  /** The full screen is for a terminal, as iftop's: not with -t, --json or -s, nor when piped. */
  static boolean wanted(ReportOptions report) {
    return !(report.text != null && report.text) && !report.json && report.seconds == null && Terminal.available();
  }

  /** A bad {@code -m} is a mistake whatever the output: refused before anything starts. */
  void check() {
    if (maxBandwidth != null) {
      bitsPerSecond(maxBandwidth);
    }
  }

  /** Runs the full screen on this process's terminal until {@code q}. */
  void run(ViewFeed feed, DisplayState state, Units units, Map<String, String> rc, String screenFilter,
      RowGrouping grouping, String node) {
    boolean bars = noBars != null ? !noBars : IftopSettings.bool(rc, "show-bars", true);
    LineDisplay lines = IftopSettings.parse(() -> LineDisplay.parse(rc.getOrDefault("line-display", "two-line")));
    state.configure(bars, lines, IftopSettings.bool(rc, "show-totals", false), IftopSettings.bool(rc, "log-scale", false));
    String max = maxBandwidth != null ? maxBandwidth : rc.get("max-bandwidth");
    BarScale scale = max == null ? BarScale.following() : BarScale.pinned(bitsPerSecond(max));
    if (screenFilter != null) {
      try {
        Pattern.compile(screenFilter);
      } catch (PatternSyntaxException e) {
        throw new UserError("invalid screen-filter '" + screenFilter + "': " + e.getDescription(), e);
      }
    }
    Glyphs glyphs = Glyphs.forEnvironment();
    try (Logging.Hold log = Logging.holdWhileOnScreen(); Namers namers = new Namers();
        Terminal terminal = Terminal.open(System.in)) {
      new FullScreen(feed, state, new ScreenRenderer(units, glyphs), scale, namers, glyphs)
          .screenFilter(screenFilter)
          .view(grouping, node)
          .run(terminal);
    } catch (IOException e) {
      throw new UserError(e.getMessage() + " (use -t for text output)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * iftop's {@code -m}: a whole number of bits per second with an optional unit, k, M or G for
   * powers of 1000 (either case), or b for bits.
   */
  static double bitsPerSecond(String text) {
    String digits = text.replaceFirst("[A-Za-z]$", "");
    char unit = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
    double multiplier = switch (Character.toLowerCase(unit)) {
      case 'k' -> 1e3;
      case 'm' -> 1e6;
      case 'g' -> 1e9;
      default -> 1;
    };
    if (!digits.matches("[0-9]+") || (Character.isLetter(unit) && "kmgb".indexOf(Character.toLowerCase(unit)) < 0)) {
      throw new UserError("invalid -m '" + text + "': a number of bits per second with k, M or G, e.g. 100M");
    }
    double value = Double.parseDouble(digits) * multiplier;
    if (value <= 0) {
      throw new UserError("invalid -m '" + text + "': the upper limit must be above 0");
    }
    return value;
  }
}
