package io.clustertop.core.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.flow.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClassifierTest {
  private static final NodePlace A = new NodePlace("eu-1a", "eu-1");
  private static final List<IpAddress> OWN = List.of(ip("10.77.0.1"), ip("fd00::1"));
  private final Classifier classifier = parse("""
      cluster-network 10.96.0.0/12
      cluster-network fd00:96::/64
      network object-store 203.0.113.128/25
      network object-store-v6 2001:db8:5::/48
      network peered 10.200.0.0/16
      cluster-network 10.200.96.0/20
      network fast-lane 203.0.113.200/32
      price object-store egress 0.001
      price object-store-v6 egress 0.001
      price peered egress 0.002
      price fast-lane egress 0
      """).classifier();

  @Test
  void ownAddressesAndLoopbackAreTheSameHost() {
    assertEquals("same-host", classify(A, "10.77.0.1", null));
    assertEquals("same-host", classify(A, "fd00::1", null));
    assertEquals("same-host", classify(A, "127.0.0.53", null));
    assertEquals("same-host", classify(A, "::1", null));
  }

  @Test
  void nodesByZoneAndRegion() {
    assertEquals("same-zone", classify(A, "10.77.0.2", new NodePlace("eu-1a", "eu-1")));
    assertEquals("cross-zone", classify(A, "10.77.0.3", new NodePlace("eu-1b", "eu-1")));
    assertEquals("cross-region", classify(A, "10.77.0.4", new NodePlace("eu-1a", "us-2")));
    assertEquals("cross-zone", classify(new NodePlace("a", ""), "10.77.0.5", new NodePlace("b", "")));
  }

  @Test
  void aMissingZoneIsUnknownNeverSameZone() {
    assertEquals("unknown-zone", classify(A, "10.77.0.2", NodePlace.UNKNOWN));
    assertEquals("unknown-zone", classify(NodePlace.UNKNOWN, "10.77.0.2", NodePlace.UNKNOWN));
    assertEquals("unknown-zone", classify(NodePlace.UNKNOWN, "10.96.1.1", null));
    // Regions known and different say enough without zones.
    assertEquals("cross-region", classify(new NodePlace("", "eu-1"), "10.77.0.2", new NodePlace("", "us-2")));
  }

  @Test
  void clusterNetworksAreTheSendersZone() {
    assertEquals("same-zone", classify(A, "10.96.7.7", null));
    assertEquals("same-zone", classify(A, "fd00:96::42", null));
  }

  @Test
  void namedNetworksWinOverBuiltInClassesLongestPrefixFirst() {
    assertEquals("object-store", classify(A, "203.0.113.129", null));
    assertEquals("fast-lane", classify(A, "203.0.113.200", null));
    assertEquals("object-store-v6", classify(A, "2001:db8:5:1::9", null));
    // 10.200.0.0/16 is named: it wins over a node's address and over private...
    assertEquals("peered", classify(A, "10.200.0.2", new NodePlace("eu-1a", "eu-1")));
    assertEquals("peered", classify(A, "10.200.2.3", null));
    // ...but the longer cluster network inside it is the cluster's.
    assertEquals("same-zone", classify(A, "10.200.97.1", null));
  }

  @Test
  void privateAndInternetOtherwise() {
    assertEquals("private", classify(A, "192.168.1.1", null));
    assertEquals("private", classify(A, "172.31.255.255", null));
    assertEquals("internet", classify(A, "172.32.0.1", null));
    assertEquals("private", classify(A, "100.64.0.1", null));
    assertEquals("private", classify(A, "fd12::1", null));
    assertEquals("private", classify(A, "fe80::1", null));
    assertEquals("internet", classify(A, "203.0.113.1", null));
    assertEquals("internet", classify(A, "2001:db8::1", null));
  }

  private String classify(NodePlace local, String remote, NodePlace remoteNode) {
    return classifier.classify(local, OWN, ip(remote), remoteNode);
  }

  private static IpAddress ip(String text) {
    return IpAddress.parse(text);
  }

  static CostConfig parse(String text) {
    try {
      return CostConfigParser.parse(text, "test.conf");
    } catch (CostConfigException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }
}
