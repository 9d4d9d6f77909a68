package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The full screen end to end ({@code test/tui/screen.sh}): the real program in tmux against a local
 * file, an agent replaying a capture and the collector, with keys typed and the screen read back.
 * Needs the packaged jar (failsafe runs after {@code package}) and tmux; not root.
 */
class ScreenIT {
  @Test
  void screenAnswersTheKeys() throws Exception {
    NamespaceScript.runScript("test/tui/screen.sh", Duration.ofMinutes(4));
  }
}
