package io.clustertop.console.screen;

import io.clustertop.console.terminal.Key;
import java.util.function.Consumer;

/**
 * iftop's one-line prompt at the top of the screen, for the screen filter ({@code l}) and the
 * capture filter ({@code f}): enter applies what was typed, esc (or Ctrl-C) cancels, backspace
 * takes a character back.
 *
 * <p>Thread safety: the screen's thread only.
 */
final class LinePrompt {
  private final String label;
  private final StringBuilder text;
  private final Consumer<String> onEnter;

  /**
   * @param label shown before the text, as iftop's {@code "Screen filter> "}
   * @param initial the text to start from (the setting in force, to edit)
   * @param onEnter given the text when enter is pressed
   */
  LinePrompt(String label, String initial, Consumer<String> onEnter) {
    this.label = label;
    this.text = new StringBuilder(initial);
    this.onEnter = onEnter;
  }

  /** Takes one key; false once the prompt is done (applied or cancelled). */
  boolean key(Key key) {
    switch (key.kind()) {
      case ENTER -> {
        onEnter.accept(text.toString());
        return false;
      }
      case ESCAPE, INTERRUPT -> {
        return false;
      }
      case BACKSPACE -> {
        if (!text.isEmpty()) {
          text.setLength(text.length() - 1);
        }
      }
      case CHARACTER -> {
        if (key.c() >= ' ') {
          text.append(key.c());
        }
      }
      default -> { }
    }
    return true;
  }

  /** The prompt's line, the cursor after the text. */
  String line() {
    return label + text + "_";
  }
}
