package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/install/systemd-units.sh}: deploy/systemd's units under a real systemd, a Debian
 * bookworm booted with {@code systemd-nspawn -b} in network namespaces of the test's own: install.sh,
 * the certificates and settings as deploy/README.md says, then systemctl starts both; the agent runs
 * as clustertop-agent with exactly CAP_NET_RAW and CAP_NET_ADMIN, the collector as clustertop, the
 * agent joins, the collector's view of the node equals the kernel's counters of a ping, and
 * systemctl stop leaves neither failed. About 20 s with the Debian tree cached (the first run
 * makes it with debootstrap, about 40 s more); skipped (by the script) where a tool is missing or
 * systemd cannot boot in a container.
 */
class SystemdUnitsIT {
  @Test
  void theUnitsRunUnderSystemd() throws Exception {
    NamespaceScript.run("test/install/systemd-units.sh", Duration.ofMinutes(10));
  }
}
