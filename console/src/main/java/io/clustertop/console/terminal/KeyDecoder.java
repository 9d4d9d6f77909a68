package io.clustertop.console.terminal;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Turns the bytes a terminal sends into {@link Key}s: enter, backspace, Ctrl-C, the arrow keys'
 * escape sequences, and a lone escape, which is an escape when nothing follows it within {@value
 * #ESCAPE_WAIT_MILLIS} ms (as curses' {@code ESCDELAY}, shorter). UTF-8 is decoded for typed text.
 *
 * <p>Thread safety: one thread takes keys; bytes arrive through the queue from any thread.
 */
public final class KeyDecoder {
  static final int ESCAPE_WAIT_MILLIS = 50;
  private final BlockingQueue<Integer> bytes;

  /** @param bytes the terminal's bytes, -1 for the end of input */
  public KeyDecoder(BlockingQueue<Integer> bytes) {
    this.bytes = bytes;
  }

  /** The next key within {@code timeoutMillis}, or null; the end of input reads as Ctrl-C. */
  public Key next(long timeoutMillis) throws InterruptedException {
    Integer b = bytes.poll(timeoutMillis, TimeUnit.MILLISECONDS);
    if (b == null) {
      return null;
    }
    return switch (b.intValue()) {
      case -1, 3 -> Key.of(Key.Kind.INTERRUPT);
      case '\r', '\n' -> Key.of(Key.Kind.ENTER);
      case 127, 8 -> Key.of(Key.Kind.BACKSPACE);
      case 27 -> escape();
      default -> b < 0x80 ? Key.of((char) b.intValue()) : utf8(b);
    };
  }

  private Key escape() throws InterruptedException {
    Integer b = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    if (b == null || (b != '[' && b != 'O')) {
      return Key.of(Key.Kind.ESCAPE); // a lone escape (an Alt chord's key is dropped with it)
    }
    // CSI or SS3: parameters, then a final byte from '@' to '~'.
    for (Integer c; (c = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS)) != null; ) {
      if (c >= '@' && c <= '~') {
        return switch (c.intValue()) {
          case 'A' -> Key.of(Key.Kind.UP);
          case 'B' -> Key.of(Key.Kind.DOWN);
          default -> Key.of('\0');
        };
      }
    }
    return Key.of(Key.Kind.ESCAPE);
  }

  private Key utf8(int first) throws InterruptedException {
    int extra = first >= 0xF0 ? 3 : first >= 0xE0 ? 2 : 1;
    byte[] encoded = new byte[extra + 1];
    encoded[0] = (byte) first;
    for (int i = 1; i <= extra; i++) {
      Integer b = bytes.poll(ESCAPE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      if (b == null || b < 0) {
        return Key.of('\0');
      }
      encoded[i] = (byte) b.intValue();
    }
    String s = new String(encoded, StandardCharsets.UTF_8);
    return Key.of(s.isEmpty() ? '\0' : s.charAt(0));
  }
}
