package io.clustertop.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.Container;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local ends' processes on the ingest messages: tables per message, a reference per flow. */
class AttributionWireTest {
  private static final IpAddress A = IpAddress.parse("10.77.1.2");
  private static final IpAddress B = IpAddress.parse("10.77.0.2");
  private static final CaptureCounters COUNTERS = new CaptureCounters(3, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0);
  private static final FlowKey WEB = new FlowKey(A, B, 41001, 5001, 17);
  private static final FlowKey WEB_TOO = new FlowKey(A, B, 41002, 5001, 17);
  private static final FlowKey HOST = new FlowKey(A, B, 41003, 5001, 17);
  private static final FlowKey GONE = new FlowKey(A, B, 41004, 5001, 17);
  private static final FlowKey NEW = new FlowKey(A, B, 41005, 5001, 17);
  private static final Container CONTAINER = new Container("a".repeat(64), "docker", "web");
  private static final LocalProcess NGINX = new LocalProcess(1234, "nginx", 4026532178L, CONTAINER);
  private static final LocalProcess SSHD = new LocalProcess(77, "sshd", 4026531840L, null);
  private static final Map<FlowKey, Attribution> KNOWN = Map.of(WEB, new Attribution(NGINX),
      WEB_TOO, new Attribution(NGINX), HOST, new Attribution(SSHD), GONE, Attribution.UNATTRIBUTED);

  private static FlowAccumulator interval() {
    FlowAccumulator flows = new FlowAccumulator(16);
    DecodedPacket p = new DecodedPacket();
    int bytes = 500;
    for (FlowKey k : new FlowKey[] {WEB, WEB_TOO, HOST, GONE, NEW}) {
      flows.add(p.of(k, bytes -= 10), Orientation.SENT); // distinct sizes: a known order in the batch
    }
    return flows;
  }

  @Test
  void aBatchDefinesEachProcessAndContainerOnceAndEveryFlowRefersToThem() {
    DeltaBatch batch = FlowWire.toBatch(interval(), 1, 0, 1, COUNTERS, 100, KNOWN::get);
    assertEquals(2, batch.getProcessesCount());
    assertEquals(1, batch.getContainersCount());
    assertEquals("nginx", batch.getProcesses(0).getCommand());
    assertEquals(1234, batch.getProcesses(0).getPid());
    assertEquals(1, batch.getProcesses(0).getContainer());
    assertEquals(0, batch.getProcesses(1).getContainer(), "sshd is in no container");
    assertEquals("web", batch.getContainers(0).getName());
    assertEquals(1, batch.getFlows(0).getProcess());
    assertEquals(1, batch.getFlows(1).getProcess());
    assertEquals(2, batch.getFlows(2).getProcess());
    assertEquals(0, batch.getFlows(3).getProcess());
    assertTrue(batch.getFlows(3).getUnattributed());
    assertEquals(0, batch.getFlows(4).getProcess());
    assertFalse(batch.getFlows(4).getUnattributed(), "not looked for yet: neither");

    assertEquals(KNOWN, AttributionWire.of(batch), "read back: the same attributions, nothing for NEW");
  }

  @Test
  void aReaderOfTheOlderMessagesCountsTheSameFlows() throws InvalidProtocolBufferException {
    DeltaBatch with = FlowWire.toBatch(interval(), 1, 0, 1, COUNTERS, 100, KNOWN::get);
    DeltaBatch without = FlowWire.toBatch(interval(), 1, 0, 1, COUNTERS, 100);
    // What an older reader keeps: the new fields become unknown fields, the rest is as before.
    DeltaBatch stripped = DeltaBatch.parseFrom(with.toByteArray()).toBuilder()
        .clearProcesses().clearContainers().build();
    assertEquals(without.getFlowsCount(), stripped.getFlowsCount());
    for (int i = 0; i < without.getFlowsCount(); i++) {
      assertEquals(without.getFlows(i).getKey(), stripped.getFlows(i).getKey());
      assertEquals(without.getFlows(i).getVolume(), stripped.getFlows(i).getVolume());
    }
    assertEquals(without.getTotal(), stripped.getTotal());
    assertEquals(Map.of(), AttributionWire.of(without), "an agent that does not attribute sends none");
  }

  @Test
  void aFullStateCarriesThemToo() {
    ConversationTable table = new ConversationTable(100);
    table.add(interval());
    FullState state = FlowWire.toFullState(table, 1, 0, COUNTERS, KNOWN::get);
    assertEquals(2, state.getProcessesCount());
    assertEquals(KNOWN, AttributionWire.of(state));
  }

  @Test
  void aReferenceOutsideTheMessageIsRefused() {
    DeltaBatch batch = FlowWire.toBatch(interval(), 1, 0, 1, COUNTERS, 100, KNOWN::get);
    DeltaBatch dangling = batch.toBuilder().setFlows(0, batch.getFlows(0).toBuilder().setProcess(3)).build();
    assertThrows(IllegalArgumentException.class, () -> AttributionWire.of(dangling));
    DeltaBatch badContainer = batch.toBuilder().setProcesses(0, batch.getProcesses(0).toBuilder().setContainer(2)).build();
    assertThrows(IllegalArgumentException.class, () -> AttributionWire.of(badContainer));
  }
}
