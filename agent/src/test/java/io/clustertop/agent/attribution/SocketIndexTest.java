package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The namespace rule, case by case (docs/RATIONALE.md, "Attribution: which namespace"). */
class SocketIndexTest {
  private static final IpAddress POD = IpAddress.parse("10.77.1.2");
  private static final IpAddress OUTSIDE = IpAddress.parse("10.77.0.2");
  private static final IpAddress ANY4 = IpAddress.parse("0.0.0.0");
  private static final IpAddress ANY6 = IpAddress.parse("::");
  private static final SocketIndex.Namespace CAPTURE = new SocketIndex.Namespace(1, 100, Set.of(IpAddress.parse("10.77.0.1")));
  private static final SocketIndex.Namespace P1 = new SocketIndex.Namespace(2, 200, Set.of(POD));
  private static final SocketIndex.Namespace P2 = new SocketIndex.Namespace(3, 300, Set.of(IpAddress.parse("10.77.2.2")));
  private static final SocketIndex.Namespace TWIN = new SocketIndex.Namespace(4, 400, Set.of(POD, OUTSIDE));

  private static Socket tcp(IpAddress local, int localPort, IpAddress remote, int remotePort, long inode) {
    return new Socket(Socket.TCP, local, localPort, remote, remotePort, 1, inode);
  }

  private static Socket udp(IpAddress local, int localPort, long inode) {
    return new Socket(Socket.UDP, local, localPort, local.version() == 4 ? ANY4 : ANY6, 0, 7, inode);
  }

  private static SocketIndex index(long capture) {
    return new SocketIndex(capture);
  }

  @Test
  void aConnectedSocketInOneNamespaceCarriesItsConversation() {
    SocketIndex index = index(CAPTURE.inode());
    index.add(P1, List.of(tcp(POD, 41001, OUTSIDE, 5001, 11)));
    index.add(P2, List.of(tcp(IpAddress.parse("10.77.2.2"), 41001, OUTSIDE, 5001, 12)));
    SocketIndex.Match m = index.find(new FlowKey(POD, OUTSIDE, 41001, 5001, 6));
    assertTrue(m.found());
    assertSame(P1, m.held().namespace());
    assertEquals(11, m.held().socket().inode());
    assertFalse(index.find(new FlowKey(POD, OUTSIDE, 41002, 5001, 6)).found(), "another port: no socket");
    assertFalse(index.find(new FlowKey(POD, OUTSIDE, 41001, 5001, 17)).found(), "another protocol: no socket");
  }

  @Test
  void theSameFiveTupleInTwoNamespacesIsAmbiguousUnlessOneIsTheCaptureNamespace() {
    Socket same = tcp(POD, 41001, OUTSIDE, 5001, 11);
    SocketIndex elsewhere = index(CAPTURE.inode());
    elsewhere.add(P1, List.of(same));
    elsewhere.add(P2, List.of(tcp(POD, 41001, OUTSIDE, 5001, 12)));
    SocketIndex.Match m = elsewhere.find(new FlowKey(POD, OUTSIDE, 41001, 5001, 6));
    assertFalse(m.found());
    assertTrue(m.ambiguous(), "never guessed");

    SocketIndex withCapture = index(P2.inode());
    withCapture.add(P1, List.of(same));
    withCapture.add(P2, List.of(tcp(POD, 41001, OUTSIDE, 5001, 12)));
    assertEquals(12, withCapture.find(new FlowKey(POD, OUTSIDE, 41001, 5001, 6)).held().socket().inode(),
        "the capture namespace's socket wins");
  }

  @Test
  void aConversationWithBothEndsInOneOtherNamespaceNeverLeavesIt() {
    SocketIndex index = index(CAPTURE.inode());
    index.add(P1, List.of(tcp(POD, 41001, OUTSIDE, 5001, 11)));
    // The twin has both addresses and the same 5-tuple: its copy runs over its own loopback.
    index.add(TWIN, List.of(tcp(POD, 41001, OUTSIDE, 5001, 21), tcp(OUTSIDE, 5001, POD, 41001, 22),
        udp(ANY4, 5002, 23), udp(POD, 41002, 24)));
    assertEquals(11, index.find(new FlowKey(POD, OUTSIDE, 41001, 5001, 6)).held().socket().inode());
    index.add(P1, List.of(udp(ANY4, 5002, 13)));
    assertEquals(13, index.find(new FlowKey(POD, OUTSIDE, 5002, 43102, 17)).held().socket().inode(),
        "the twin's wildcard socket has 10.77.1.2 but talks to 10.77.0.2 inside");
    assertFalse(index.find(new FlowKey(POD, OUTSIDE, 41002, 5002, 17)).found(), "only the twin's, left out");
  }

  @Test
  void unconnectedUdpBoundToTheAddressThenToEveryAddressOfANamespaceThatHasIt() {
    SocketIndex index = index(CAPTURE.inode());
    index.add(P1, List.of(udp(ANY4, 5002, 31)));
    index.add(P2, List.of(udp(ANY4, 5002, 32)));
    assertEquals(31, index.find(new FlowKey(POD, OUTSIDE, 5002, 43102, 17)).held().socket().inode(),
        "both bound 0.0.0.0:5002; only P1 has 10.77.1.2");
    index.add(P1, List.of(udp(POD, 5003, 33)));
    assertEquals(33, index.find(new FlowKey(POD, OUTSIDE, 5003, 43103, 17)).held().socket().inode());
    assertFalse(index.find(new FlowKey(POD, OUTSIDE, 5999, 43199, 17)).found(), "a closed port");
  }

  @Test
  void anIpv6WildcardTakesIpv4ButNotTheOtherWayRound() {
    SocketIndex index = index(CAPTURE.inode());
    index.add(P1, List.of(udp(ANY6, 5004, 41)));
    assertEquals(41, index.find(new FlowKey(POD, OUTSIDE, 5004, 1, 17)).held().socket().inode());
    SocketIndex v4only = index(CAPTURE.inode());
    SocketIndex.Namespace v6 = new SocketIndex.Namespace(5, 500, Set.of(IpAddress.parse("fd77:1::2")));
    v4only.add(v6, List.of(udp(ANY4, 5004, 42)));
    assertFalse(v4only.find(new FlowKey(IpAddress.parse("fd77:1::2"), IpAddress.parse("fd77::1"), 5004, 1, 17)).found());
  }

  @Test
  void listeningSocketsCarryNothingAndOtherProtocolsHaveNoSocket() {
    SocketIndex index = index(CAPTURE.inode());
    index.add(P1, List.of(new Socket(Socket.TCP, ANY4, 5001, ANY4, 0, Socket.TCP_LISTEN, 51),
        new Socket(Socket.TCP, POD, 5005, ANY4, 0, Socket.TCP_LISTEN, 52)));
    assertFalse(index.find(new FlowKey(POD, OUTSIDE, 5001, 43101, 6)).found(), "not accepted yet: no process");
    assertFalse(index.find(new FlowKey(POD, OUTSIDE, 5005, 43101, 6)).found());
    assertFalse(index.find(new FlowKey(POD, OUTSIDE, 0, 0, 1)).found());
    assertEquals(2, index.size());
  }

  @Test
  void severalSocketsOfOneLevelInOneNamespaceAreAmbiguous() {
    SocketIndex index = index(CAPTURE.inode());
    index.add(P1, List.of(udp(POD, 5006, 61), udp(POD, 5006, 62))); // SO_REUSEPORT
    assertTrue(index.find(new FlowKey(POD, OUTSIDE, 5006, 1, 17)).ambiguous());
  }
}
