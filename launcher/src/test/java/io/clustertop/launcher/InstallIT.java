package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/install/install-check.sh}: install.sh into a temporary prefix puts a working
 * clustertop and clustertop-certs on the PATH, a man page per command, and bash completion.
 */
class InstallIT {
  @Test
  void theInstalledCommandManPagesAndCompletionWork() throws Exception {
    NamespaceScript.runScript("test/install/install-check.sh", Duration.ofMinutes(5));
  }
}
