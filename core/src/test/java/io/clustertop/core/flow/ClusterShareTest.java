package io.clustertop.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Each byte once: what of a node's conversation the cluster counts, and which port a service is. */
class ClusterShareTest {
  private static final Volume V = new Volume(1000, 10, 300, 3);

  @Test
  void outsideTheNodesEverythingCountsAsIs() {
    ClusterShare s = ClusterShare.of(false, false);
    assertEquals(ClusterShare.WHOLE, s);
    assertEquals(V, s.of(V));
    assertTrue(s.countsReceived());
    assertFalse(s.turned());
  }

  @Test
  void betweenNodesOnlyWhatANodeSentCountsTurnedWhereTheRemoteIsLower() {
    assertEquals(new Volume(1000, 10, 0, 0), ClusterShare.of(true, true).of(V));
    ClusterShare below = ClusterShare.of(true, false);
    assertEquals(new Volume(0, 0, 1000, 10), below.of(V));
    assertEquals(new Volume(1000, 10, 0, 0), below.unturned(V));
    assertTrue(below.turned());
    assertFalse(below.countsReceived());
    // Field by field, as the compact tables copy a share: received bytes (2) come from sent bytes (0).
    assertEquals(0, below.sourceField(2));
    assertEquals(-1, below.sourceField(0));
    assertEquals(-1, ClusterShare.SENT.sourceField(3));
    assertEquals(1, ClusterShare.SENT.unturnedSourceField(1));
  }

  @Test
  void theServicePortIsTheLowerOne() {
    assertEquals(8080, ServicePort.of(58890, 8080));
    assertEquals(8080, ServicePort.of(8080, 58890));
    assertEquals(53, ServicePort.of(53, 5353));
    assertEquals(50051, ServicePort.of(50051, 61000));
    assertEquals(0, ServicePort.of(0, 0));
    assertEquals(9, ServicePort.of(0, 9));
  }

  @Test
  void packedKeysKeepEveryField() {
    FlowKey k = new FlowKey(IpAddress.parse("fd77::1"), IpAddress.parse("fd77::2"), 65535, 9, 132);
    long meta = PackedKey.meta(k);
    assertEquals(k, PackedKey.toFlowKey(k.local().high(), k.local().low(), k.remote().high(), k.remote().low(), meta));
    assertEquals(PackedKey.meta(6, 132, 9, 65535), PackedKey.turnedMeta(meta));
    assertTrue(PackedKey.remoteAbove(k.local().high(), k.local().low(), k.remote().high(), k.remote().low()));
  }
}
