package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.core.flow.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Lines as this machine's kernel writes them (x86-64: words in little-endian order). */
class SocketTableParserTest {
  private static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

  @Test
  void ipv4LinesGiveAddressesPortsStateAndInode() {
    List<Socket> sockets = SocketTableParser.parse(List.of(TCP_HEADER,
        "   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1085 1 000000005e8ae765 100 0 0 10 0",
        "   1: 02014D0A:A019 02004D0A:1389 01 00000000:00000000 00:00000000 00000000     0        0 4321 1 0000000000000000 20 4 30 10 -1",
        "   2: 0100007F:3A99 0100007F:B114 06 00000000:00000000 03:0000131E 00000000     0        0 0 3 000000006968f85c"),
        Socket.TCP);
    assertEquals(2, sockets.size(), "the TIME_WAIT line (inode 0) is no process's");
    Socket listen = sockets.get(0);
    assertEquals(IpAddress.parse("0.0.0.0"), listen.local());
    assertEquals(2024, listen.localPort());
    assertEquals(Socket.TCP_LISTEN, listen.state());
    assertTrue(listen.wildcardLocal());
    assertTrue(listen.unconnected());
    Socket established = sockets.get(1);
    assertEquals(new Socket(Socket.TCP, IpAddress.parse("10.77.1.2"), 0xA019, IpAddress.parse("10.77.0.2"), 5001, 1, 4321),
        established);
  }

  @Test
  void ipv6LinesAndIpv4MappedOnes() {
    List<Socket> sockets = SocketTableParser.parse(List.of("header",
        "   0: 0000000000000000FFFF00000100007F:6B37 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 112705 1 0000000013e2fa3b 100 0 0 10 0",
        "   1: 000077FD000000000000000002000000:138A 000077FD000000000000000001000000:A411 07 00000000:00000000 00:00000000 00000000     0        0 5555 2 0000000000000000 0"),
        Socket.UDP);
    assertEquals(IpAddress.parse("127.0.0.1"), sockets.get(0).local(), "::ffff:127.0.0.1 reads as IPv4");
    assertEquals(IpAddress.parse("::"), sockets.get(0).remote(), "the unconnected remote end stays IPv6, unspecified");
    assertEquals(IpAddress.parse("fd77::2"), sockets.get(1).local());
    assertEquals(5002, sockets.get(1).localPort());
    assertEquals(IpAddress.parse("fd77::1"), sockets.get(1).remote());
    assertEquals(5555, sockets.get(1).inode());
  }

  @Test
  void malformedLinesAreSkipped() {
    assertNull(SocketTableParser.line("   0: 0100007F 00000000:0000 0A", Socket.TCP));
    assertNull(SocketTableParser.line("   0: 0100007F:ZZZZ 00000000:0000 0A 0:0 0:0 0 0 0 7", Socket.TCP));
    assertNull(SocketTableParser.line("   0: 01007F:0050 00000000:0000 0A 0:0 0:0 0 0 0 7", Socket.TCP));
    assertEquals(List.of(), SocketTableParser.parse(List.of(), Socket.TCP));
  }
}
