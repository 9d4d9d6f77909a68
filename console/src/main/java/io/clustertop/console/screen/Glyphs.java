package io.clustertop.console.screen;

import java.util.Locale;

/**
 * The line-drawing characters of the rulers: box drawing where the terminal speaks UTF-8, plain
 * ASCII elsewhere (what curses falls back to for iftop's {@code ACS_HLINE}, {@code ACS_BTEE} and
 * {@code ACS_LLCORNER}).
 */
public enum Glyphs {
  UNICODE('─', '┴', '└', " · "),
  ASCII('-', '+', '+', " | ");

  final char line;
  final char tick;
  final char corner;
  /** Between the parts of the status line. */
  final String separator;

  Glyphs(char line, char tick, char corner, String separator) {
    this.line = line;
    this.tick = tick;
    this.corner = corner;
    this.separator = separator;
  }

  /** As the locale says: LC_ALL, else LC_CTYPE, else LANG naming UTF-8. */
  public static Glyphs forLocale(String lcAll, String lcCtype, String lang) {
    String locale = lcAll != null && !lcAll.isEmpty() ? lcAll
        : lcCtype != null && !lcCtype.isEmpty() ? lcCtype
        : lang;
    if (locale == null) {
      return ASCII;
    }
    String lower = locale.toLowerCase(Locale.ROOT);
    return lower.contains("utf-8") || lower.contains("utf8") ? UNICODE : ASCII;
  }

  /** For this process's environment. */
  public static Glyphs forEnvironment() {
    return forLocale(System.getenv("LC_ALL"), System.getenv("LC_CTYPE"), System.getenv("LANG"));
  }
}
