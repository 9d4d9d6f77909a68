package io.clustertop.console.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;

class KeyDecoderTest {
  private final LinkedBlockingQueue<Integer> bytes = new LinkedBlockingQueue<>();
  private final KeyDecoder keys = new KeyDecoder(bytes);

  private void send(int... values) {
    for (int v : values) {
      bytes.add(v);
    }
  }

  @Test
  void charactersEnterBackspaceArrowsAndALoneEscape() throws InterruptedException {
    send('q', '\r', 127, 27, '[', 'A', 27, 'O', 'B', 27);
    assertEquals(Key.of('q'), keys.next(0));
    assertEquals(Key.of(Key.Kind.ENTER), keys.next(0));
    assertEquals(Key.of(Key.Kind.BACKSPACE), keys.next(0));
    assertEquals(Key.of(Key.Kind.UP), keys.next(0));
    assertEquals(Key.of(Key.Kind.DOWN), keys.next(0));
    assertEquals(Key.of(Key.Kind.ESCAPE), keys.next(0)); // nothing follows within the wait
    assertNull(keys.next(0));
  }

  @Test
  void utf8AndTheEndOfInput() throws InterruptedException {
    send(0xC3, 0xA9, 3, -1);
    assertEquals(Key.of('é'), keys.next(0));
    assertEquals(Key.of(Key.Kind.INTERRUPT), keys.next(0));
    assertEquals(Key.of(Key.Kind.INTERRUPT), keys.next(0));
  }
}
