package io.clustertop.core.flow;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.packet.LinkDirection;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iftop's rules for the local side, one case each. */
class OrientationTest {
  private final DecodedPacket p = new DecodedPacket();

  private DecodedPacket v4(String src, String dst, int linkDirection) {
    IpAddress s = IpAddress.parse(src);
    IpAddress d = IpAddress.parse(dst);
    p.ipVersion = s.version();
    p.srcHigh = s.high();
    p.srcLow = s.low();
    p.dstHigh = d.high();
    p.dstLow = d.low();
    p.linkDirection = linkDirection;
    return p;
  }

  @Test
  void interfaceAddressesDecide() {
    Orientation o = new Orientation(List.of(IpAddress.parse("10.77.0.1")), null, null, false);
    assertEquals(Orientation.SENT, o.orient(v4("10.77.0.1", "10.77.0.2", LinkDirection.UNKNOWN)));
    assertEquals(Orientation.RECEIVED, o.orient(v4("10.77.0.2", "10.77.0.1", LinkDirection.UNKNOWN)));
  }

  @Test
  void theLinkLayerComesBeforeAddresses() {
    Orientation o = new Orientation(List.of(IpAddress.parse("10.77.0.1")), null, null, false);
    assertEquals(Orientation.RECEIVED, o.orient(v4("10.77.0.1", "10.77.0.2", LinkDirection.INCOMING)));
  }

  @Test
  void foreignTrafficPutsTheLargerAddressLeftAndSplitsTheRowBySource() {
    Orientation o = new Orientation(List.of(), null, null, false);
    assertEquals(Orientation.RECEIVED, o.orient(v4("10.77.0.5", "10.77.0.9", LinkDirection.UNKNOWN)));
    assertEquals(Orientation.PASSED_FROM_LEFT, o.orient(v4("10.77.0.9", "10.77.0.5", LinkDirection.UNKNOWN)));
    assertEquals(Orientation.PASSED_FROM_LEFT, o.orient(v4("fd77::9", "fd77::5", LinkDirection.UNKNOWN)));
  }

  @Test
  void anAgentCountsForeignTrafficFromTheLeftAsReceived() {
    Orientation o = new Orientation(List.of(), null, null, false, Orientation.Passing.RECEIVED);
    assertEquals(Orientation.RECEIVED, o.orient(v4("10.77.0.5", "10.77.0.9", LinkDirection.UNKNOWN)));
    assertEquals(Orientation.RECEIVED_FROM_LEFT, o.orient(v4("10.77.0.9", "10.77.0.5", LinkDirection.UNKNOWN)));
  }

  @Test
  void aNetFilterDecidesAloneAndDropsTheRest() {
    Orientation o = new Orientation(List.of(), Network.parse("10.77.0.0/255.255.0.0"), null, false);
    assertEquals(Orientation.SENT, o.orient(v4("10.77.3.4", "203.0.113.1", LinkDirection.INCOMING)));
    assertEquals(Orientation.RECEIVED, o.orient(v4("203.0.113.1", "10.77.3.4", LinkDirection.OUTGOING)));
    assertEquals(Orientation.IGNORED, o.orient(v4("203.0.113.1", "203.0.113.2", LinkDirection.UNKNOWN)));
  }

  @Test
  void ipv6LinkLocalIsIgnoredUnlessAskedFor() {
    DecodedPacket ll = v4("fe80::1", "fd77::2", LinkDirection.OUTGOING);
    assertEquals(Orientation.IGNORED, new Orientation(List.of(), null, null, false).orient(ll));
    assertEquals(Orientation.SENT, new Orientation(List.of(), null, null, true).orient(ll));
  }

  @Test
  void networksParseIftopsForms() {
    assertEquals("10.77.0.0/16", Network.parse("10.77.1.2/16").toString());
    assertEquals("10.77.0.0/16", Network.parse("10.77.1.2/255.255.0.0").toString());
    assertEquals("fd77::/16", Network.parse("fd77::1/16").toString());
  }
}
