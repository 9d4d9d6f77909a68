package io.clustertop.launcher;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code test/netns/filter-change.sh}: a console's {@code f} sets "udp" on a live agent started
 * with {@code --allow-filter-change} (a bad expression first, refused with libpcap's message), and
 * from then on the agent counts only the UDP traffic, none of the TCP or ICMP sent beside it.
 */
class FilterChangeIT {
  @Test
  void onlyTheMatchingTrafficIsCountedAfterAFilterChange() throws Exception {
    NamespaceScript.run("test/netns/filter-change.sh", Duration.ofMinutes(5));
  }
}
