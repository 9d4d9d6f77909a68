package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.core.flow.IpAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NamespaceAddressesTest {
  @Test
  void localRoutesOfFibTrieAndEveryIfInet6Line() {
    List<String> fibTrie = List.of(
        "Main:",
        "  +-- 0.0.0.0/0 3 0 5",
        "     +-- 10.77.1.0/24 2 0 2",
        "        |-- 10.77.1.0",
        "           /24 link UNICAST",
        "        |-- 10.77.1.2",
        "           /32 host LOCAL",
        "        |-- 10.77.1.255",
        "           /32 link BROADCAST",
        "Local:",
        "     +-- 127.0.0.0/8 2 0 2",
        "           |-- 127.0.0.0",
        "              /8 host LOCAL",
        "           |-- 127.0.0.1",
        "              /32 host LOCAL");
    List<String> ifInet6 = List.of(
        "fd770001000000000000000000000002 03 40 00 80     eth0",
        "00000000000000000000000000000001 01 80 10 80       lo");
    assertEquals(Set.of(IpAddress.parse("10.77.1.2"), IpAddress.parse("127.0.0.1"), IpAddress.parse("fd77:1::2"),
        IpAddress.parse("::1")), NamespaceAddresses.read(fibTrie, ifInet6));
  }
}
