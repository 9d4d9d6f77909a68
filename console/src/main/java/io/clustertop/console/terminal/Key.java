package io.clustertop.console.terminal;

/**
 * A key as the screen sees it: a character, or one of the keys that send no single character.
 *
 * @param c the character for {@link Kind#CHARACTER}, else 0
 */
public record Key(Kind kind, char c) {
  public enum Kind { CHARACTER, ENTER, ESCAPE, BACKSPACE, UP, DOWN, INTERRUPT }

  public static Key of(char c) {
    return new Key(Kind.CHARACTER, c);
  }

  public static Key of(Kind kind) {
    return new Key(kind, '\0');
  }
}
