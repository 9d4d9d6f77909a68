package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.Container;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attribution over a /proc tree made for the test; refreshes run on the test's thread. */
class AttributorTest {
  private static final String ID = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
  private static final IpAddress POD = IpAddress.parse("10.77.1.2");
  private static final IpAddress OUTSIDE = IpAddress.parse("10.77.0.2");
  /** 10.77.1.2:41001 -> 10.77.0.2:5001, as the x86 kernel prints it. */
  private static final String CLIENT_LINE =
      "   0: 02014D0A:A029 02004D0A:1389 01 00000000:00000000 00:00000000 00000000     0        0 11 1 0 20 4 30 10 -1";
  private static final FlowKey CLIENT = new FlowKey(POD, OUTSIDE, 41001, 5001, 6);
  private static final FlowKey GONE = new FlowKey(POD, OUTSIDE, 41002, 5001, 6);
  private static final FlowKey UDP_SERVER = new FlowKey(POD, OUTSIDE, 5002, 43102, 17);

  @TempDir
  Path dir;

  private FakeProc pod() {
    return new FakeProc(dir)
        .process(100, 1, "agent", "0::/")
        .table(100, "tcp")
        .process(200, 2, "sh", "0::/docker/" + ID)
        .process(201, 2, "python3", "0::/docker/" + ID, 11, 12)
        .table(200, "tcp", CLIENT_LINE)
        .table(200, "udp",
            "   1: 00000000:138A 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 12 2 0 0")
        .fibTrie(200, "10.77.1.2");
  }

  private static Attributor attributor(FakeProc proc, int maxConversations) {
    return new Attributor(proc.procFs(), ContainerNames.none(), options(maxConversations, 100));
  }

  private static AttributionOptions options(int maxConversations, int maxQueued) {
    return new AttributionOptions(maxConversations, maxQueued, Path.of("/nonexistent"), Path.of("/nonexistent"),
        List.of("k8s.io"));
  }

  @Test
  void aSocketInAnotherNamespaceGoesToItsProcessAndContainer() {
    FakeProc proc = pod();
    Attributor a = attributor(proc, 100);
    a.offer(FakeProc.interval(CLIENT, UDP_SERVER));
    assertNull(a.of(CLIENT), "not looked for before the refresh");
    a.refresh();
    LocalProcess python = new LocalProcess(201, "python3", 2, new Container(ID, "docker", ""));
    assertEquals(new Attribution(python), a.of(CLIENT));
    assertEquals(new Attribution(python), a.of(UDP_SERVER), "bound to 0.0.0.0:5002 in the namespace that has 10.77.1.2");
    AttributionCounters c = a.counters();
    assertEquals(2, c.attributed());
    assertEquals(2, c.namespaces());
    assertEquals(2, c.sockets());
    assertEquals(1, c.refreshes());
  }

  @Test
  void aSocketNotFoundTwiceARefreshApartIsUnattributed() {
    Attributor a = attributor(pod(), 100);
    a.offer(FakeProc.interval(GONE));
    a.refresh();
    assertNull(a.of(GONE), "a first miss is looked at again (a connection not yet accepted)");
    a.refresh();
    assertEquals(Attribution.UNATTRIBUTED, a.of(GONE));
    a.offer(FakeProc.interval(GONE));
    a.refresh();
    assertEquals(1, a.counters().unattributed(), "a conversation once decided is not queued again");
  }

  @Test
  void aProcessThatEndedBeforeTheRefreshLeavesItsConversationUnattributed() {
    FakeProc proc = pod();
    proc.remove(201);
    Attributor a = attributor(proc, 100);
    a.offer(FakeProc.interval(CLIENT));
    a.refresh();
    a.refresh();
    assertEquals(Attribution.UNATTRIBUTED, a.of(CLIENT));
  }

  @Test
  void theLimitForgetsTheOldestAndCountsThem() {
    Attributor a = attributor(pod(), 1);
    a.offer(FakeProc.interval(CLIENT));
    a.refresh();
    a.offer(FakeProc.interval(UDP_SERVER));
    a.refresh();
    assertNull(a.of(CLIENT));
    assertEquals(201, a.of(UDP_SERVER).process().pid());
    assertEquals(1, a.counters().forgotten());
    a.offer(FakeProc.interval(CLIENT));
    a.refresh();
    assertEquals(201, a.of(CLIENT).process().pid(), "looked for again when it carries traffic again");
  }

  @Test
  void theQueueLimitLeavesConversationsForALaterInterval() {
    Attributor a = new Attributor(pod().procFs(), ContainerNames.none(), options(100, 1));
    a.offer(FakeProc.interval(CLIENT, UDP_SERVER));
    assertEquals(1, a.counters().queueFull());
    a.refresh();
    assertEquals(201, a.of(CLIENT).process().pid());
    assertNull(a.of(UDP_SERVER));
    a.offer(FakeProc.interval(UDP_SERVER));
    a.refresh();
    assertEquals(201, a.of(UDP_SERVER).process().pid());
  }
}
