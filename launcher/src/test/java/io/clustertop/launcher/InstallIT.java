package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/install/install-check.sh}: install.sh into a temporary prefix puts a working
 * clustertop and clustertop-certs on the PATH, a man page per command, bash completion, and the
 * systemd units with their ExecStart the installed launcher ({@code systemd-analyze verify} where it
 * is on the machine); as root, the units' users made where missing (in a throw-away /etc overlay).
 */
class InstallIT {
  @Test
  void theInstalledCommandManPagesAndCompletionWork() throws Exception {
    NamespaceScript.runScript("test/install/install-check.sh", Duration.ofMinutes(5));
  }
}
