package io.clustertop.console.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.console.screen.ScreenLine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes a frame becomes: lines in place, bars and the selected row in reverse video, only what changed. */
class AnsiScreenTest {
  private static final String CSI = "\u001b[";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final AnsiScreen screen = new AnsiScreen(new PrintStream(bytes, true, StandardCharsets.UTF_8));

  private String drawn(List<ScreenLine> lines) {
    bytes.reset();
    screen.draw(lines);
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aBarIsReversedAndTrailingBlanksErased() {
    assertEquals(CSI + "1;1H" + CSI + "7mab" + CSI + "27mc" + CSI + "K",
        drawn(List.of(new ScreenLine("abc   ", 2, false))));
    assertEquals("", drawn(List.of(new ScreenLine("abc   ", 2, false))), "nothing changed, nothing written");
  }

  /** The selected row reads as selected across the whole width: all of it reversed but its bar, blanks written. */
  @Test
  void theSelectedRowIsReversedToTheEdgeItsBarInverted() {
    assertEquals(CSI + "1;1Hab" + CSI + "7mc   " + CSI + "27m" + CSI + "2;1H" + CSI + "7mx" + CSI + "27m" + CSI + "K",
        drawn(List.of(new ScreenLine("abc   ", 2, true), new ScreenLine("x     ", 1, false))));
    // the last line: its last column is never written (the terminal would scroll)
    assertEquals(CSI + "1;1H" + CSI + "K" + CSI + "2;1H" + CSI + "7mx    " + CSI + "27m",
        drawn(List.of(new ScreenLine("      ", 0, false), new ScreenLine("x     ", 0, true))));
  }
}
