package io.clustertop.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.proto.v1.HistoryGrpc;
import io.clustertop.proto.v1.IngestGrpc;
import io.clustertop.proto.v1.WatchGrpc;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OperationTest {
  private static PeerIdentity holding(Role... roles) {
    return new PeerIdentity(new CertificateNames(null, "someone", List.of(), List.of(), List.of(), List.of(), Set.of()),
        Set.of(roles));
  }

  @Test
  void everyMethodOfEveryServiceIsInTheTable() {
    for (ServiceDescriptor service : List.of(IngestGrpc.getServiceDescriptor(), WatchGrpc.getServiceDescriptor(),
        HistoryGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> m : service.getMethods()) {
        assertTrue(Operation.ofMethod(m.getFullMethodName()).isPresent(), m.getFullMethodName());
      }
    }
    assertTrue(Operation.ofMethod("grpc.health.v1.Health/Check").isEmpty());
  }

  @Test
  void eachRoleMayDoItsOwnOperationsOnly() {
    PeerIdentity agent = holding(Role.AGENT);
    PeerIdentity console = holding(Role.CONSOLE);
    PeerIdentity operator = holding(Role.OPERATOR);
    assertNull(Operation.INGEST.refusal(agent));
    assertEquals("sending batches (Ingest.Stream) needs the role agent; CN=someone (console) does not hold it",
        Operation.INGEST.refusal(console));
    assertEquals("watching (Watch.Subscribe) needs the role console or operator; CN=someone (agent) does not hold it",
        Operation.WATCH.refusal(agent));
    assertNull(Operation.WATCH.refusal(console));
    assertNull(Operation.WATCH.refusal(operator));
    assertNull(Operation.READ_HISTORY.refusal(console));
    assertEquals("changing the capture filter (Watch.SetCaptureFilter) needs the role operator;"
        + " CN=someone (console) does not hold it", Operation.CHANGE_FILTER.refusal(console));
    assertNull(Operation.CHANGE_FILTER.refusal(operator));
    assertEquals("reading /metrics needs the role console or operator; CN=someone (no role) does not hold it",
        Operation.READ_METRICS.refusal(holding()));
    assertNull(Operation.INGEST.refusal(null), "no identity: everything, as before");
  }

  @Test
  void exposureOfAnAddress() throws Exception {
    assertEquals(Exposure.LOOPBACK, Exposure.of(InetAddress.getByName("127.0.0.1"), false));
    assertEquals(Exposure.LOOPBACK, Exposure.of(InetAddress.getByName("127.3.0.1"), false));
    assertEquals(Exposure.LOOPBACK, Exposure.of(InetAddress.getByName("::1"), false));
    assertEquals(Exposure.OPEN, Exposure.of(InetAddress.getByName("0.0.0.0"), false));
    assertEquals(Exposure.OPEN, Exposure.of(InetAddress.getByName("::"), false));
    assertEquals(Exposure.OPEN, Exposure.of(InetAddress.getByName("10.77.0.1"), false));
    assertEquals(Exposure.MUTUAL_TLS, Exposure.of(InetAddress.getByName("0.0.0.0"), true));
  }
}
