package io.clustertop.console.keys;

/** iftop's {@code t}: how many lines a row takes and which direction they show. */
public enum LineDisplay {
  TWO_LINES("Two lines per host"),
  ONE_LINE_BOTH("One line per host"),
  ONE_LINE_SENT("Sent traffic only"),
  ONE_LINE_RECEIVED("Received traffic only");

  private final String message;

  LineDisplay(String message) {
    this.message = message;
  }

  /** iftop's words when {@code t} selects this mode. */
  public String message() {
    return message;
  }

  /** The next mode in iftop's cycle. */
  public LineDisplay next() {
    return values()[(ordinal() + 1) % values().length];
  }

  public int linesPerRow() {
    return this == TWO_LINES ? 2 : 1;
  }

  /** {@code line-display} of {@code ~/.iftoprc}: two-line, one-line-both, one-line-sent, one-line-received. */
  public static LineDisplay parse(String text) {
    return switch (text) {
      case "two-line" -> TWO_LINES;
      case "one-line-both" -> ONE_LINE_BOTH;
      case "one-line-sent" -> ONE_LINE_SENT;
      case "one-line-received" -> ONE_LINE_RECEIVED;
      default -> throw new IllegalArgumentException("invalid line-display '" + text
          + "': use two-line, one-line-both, one-line-sent or one-line-received");
    };
  }
}
