package io.clustertop.console.terminal;

/**
 * Text from the network made safe to print on a terminal: node names, labels, destination classes
 * and sources from agents and the collector, host names from DNS answers, a peer's error messages.
 * Such text could hold escape sequences that move the cursor, retitle the window or rewrite what is
 * on screen, line breaks that forge report lines, or bidirectional overrides that show a name
 * backwards. Each such character is written as a visible escape instead ({@code \x1b} for ESC, a
 * backslash, {@code u} and four hex digits above 0xFF), and the text is cut at {@link #MAX_LENGTH}
 * characters.
 *
 * <p>What is escaped: C0 controls and DEL, C1 controls, and Unicode's format characters (bidi
 * marks, embeddings, overrides and isolates, zero-width joiners and spaces, the byte-order mark).
 *
 * <p>Thread safety: stateless.
 */
public final class Printable {
  /** Longer than any host name (253) or sane node name; longer text is cut, with "...". */
  public static final int MAX_LENGTH = 256;

  private Printable() {}

  /** {@code text} with every unsafe character escaped, cut after {@link #MAX_LENGTH} characters with "..."; null stays null. */
  public static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 16);
    for (int i = 0; i < text.length() && b.length() <= MAX_LENGTH; i++) {
      char c = text.charAt(i);
      if (!unsafe(c)) {
        b.append(c);
      } else if (c < 0x100) {
        b.append(String.format("\\x%02x", (int) c));
      } else {
        b.append(String.format("\\u%04x", (int) c));
      }
    }
    return b.length() > MAX_LENGTH ? b.substring(0, MAX_LENGTH) + "..." : b.toString();
  }

  private static boolean unsafe(char c) {
    return c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0) || Character.getType(c) == Character.FORMAT;
  }
}
