package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.monitor.MonitorOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** bin/clustertop sizes an agent's heap from --max-conversations: its default is the agent's own. */
class LauncherScriptTest {
  @Test
  void theLaunchersDefaultConversationsAreTheMonitors() throws IOException {
    String script = Files.readString(Path.of("..", "bin", "clustertop"));
    Matcher m = Pattern.compile("(?m)^default_conversations=(\\d+)$").matcher(script);
    assertTrue(m.find(), "bin/clustertop sets default_conversations");
    assertEquals(MonitorOptions.DEFAULT_MAX_CONVERSATIONS, Integer.parseInt(m.group(1)));
  }
}
