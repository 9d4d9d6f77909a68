package io.clustertop.launcher;

import io.clustertop.console.terminal.Stty;
import java.io.IOException;
import java.io.InputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads single keys from standard input for iftop's text mode. On a terminal it switches the
 * terminal to character-at-a-time without echo (iftop does the same with termios) and restores it
 * on {@link #close()}; from a pipe it reads what comes, so a script can send keys too.
 *
 * <p>Thread safety: keys are read on a daemon thread and queued; any thread may {@link #poll()}.
 */
final class KeyReader implements AutoCloseable {
  private final Queue<Character> keys = new ConcurrentLinkedQueue<>();
  private final String savedTerminal;

  private KeyReader(String savedTerminal) {
    this.savedTerminal = savedTerminal;
  }

  /** Starts reading {@code in}; on a terminal, in character mode. */
  static KeyReader start(InputStream in) {
    boolean terminal = System.console() != null && System.console().isTerminal();
    String saved = terminal ? Stty.run("-g") : null;
    if (saved != null) {
      Stty.run("-icanon", "-echo", "min", "1");
    }
    KeyReader reader = new KeyReader(saved);
    Thread.ofPlatform().daemon().name("keys").start(() -> {
      try {
        for (int c; (c = in.read()) >= 0; ) {
          reader.keys.add((char) c);
        }
      } catch (IOException e) {
        // standard input closed: no more keys
      }
    });
    return reader;
  }

  /** The next key pressed, or null. */
  Character poll() {
    return keys.poll();
  }

  @Override
  public void close() {
    if (savedTerminal != null) {
      Stty.run(savedTerminal.trim());
    }
  }
}
