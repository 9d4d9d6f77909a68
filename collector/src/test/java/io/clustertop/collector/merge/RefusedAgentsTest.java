package io.clustertop.collector.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.report.AgentId;
import io.clustertop.core.report.AgentIdentity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RefusedAgentsTest {
  private static final long SECOND = 1_000_000_000L;

  private static AgentIdentity agent(int n) {
    byte[] id = new byte[16];
    java.util.Arrays.fill(id, (byte) n);
    return new AgentIdentity("n" + n, AgentId.of(id), 1, "", "", Map.of(), List.of(), "");
  }

  private static List<String> states(RefusedAgents refused, long now) {
    return refused.current(now).stream().map(e -> e.identity().node() + " " + e.state()).toList();
  }

  @Test
  void eachAgentSaysItsLatestRefusalUntilTakenForThatOrForgotten() {
    RefusedAgents refused = new RefusedAgents(2, 60 * SECOND);
    refused.refused(agent(1), RefusedAgents.Why.CLOCK_OFF, -1_199_600_000_000L, "", 0);
    refused.refused(agent(2), RefusedAgents.Why.ADDRESS_CLAIM, 0, "203.0.113.1", SECOND);
    assertEquals(List.of("n1 clock off by -1200 s", "n2 address refused: 203.0.113.1"), states(refused, SECOND));

    refused.taken(agent(1).agentId(), RefusedAgents.Why.ADDRESS_CLAIM); // a Hello taken says nothing of its clock
    refused.taken(agent(2).agentId(), RefusedAgents.Why.ADDRESS_CLAIM);
    assertEquals(List.of("n1 clock off by -1200 s"), states(refused, SECOND));

    assertEquals(List.of(), states(refused, 60 * SECOND + 1), "nothing heard of it for the expiry");
  }

  @Test
  void theOldestNewsGoesPastTheBound() {
    RefusedAgents refused = new RefusedAgents(2, 60 * SECOND);
    for (int n = 1; n <= 3; n++) {
      refused.refused(agent(n), RefusedAgents.Why.CLOCK_OFF, n * SECOND, "", n);
    }
    refused.refused(agent(2), RefusedAgents.Why.CLOCK_OFF, 5 * SECOND, "", 4);
    assertEquals(List.of("n3 clock off by 3 s", "n2 clock off by 5 s"), states(refused, 4));
  }
}
