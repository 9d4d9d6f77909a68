package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.capture.LoopedCapture;
import io.clustertop.agent.monitor.MonitorOptions;
import io.clustertop.agent.stream.AgentId;
import io.clustertop.agent.stream.BatchBuffer;
import io.clustertop.agent.stream.GrpcThreads;
import io.clustertop.agent.stream.IngestClient;
import io.clustertop.agent.stream.StreamingAgent;
import io.clustertop.auth.ScriptCertificates;
import io.clustertop.auth.TlsClient;
import io.clustertop.auth.tls.TlsFiles;
import io.clustertop.collector.CollectorServer;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.proto.FlowWire;
import io.clustertop.proto.v1.AgentIdentity;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates replaced while an agent streams, over real mutual TLS on 127.0.0.1: the collector's
 * and the node's files are made anew by the script (new keys, new serials) mid-replay; the agent's
 * one stream carries on to the end, every batch counted exactly once, and a new connection is
 * shown the new certificate.
 */
class TlsRotationTest {
  private static final int PASSES = 6;

  @Test
  void replacedCertificatesKeepTheStreamAndServeNewConnections(@TempDir Path dir) throws Exception {
    ScriptCertificates certs = new ScriptCertificates(dir)
        .make("collector", "collector", "--ip", "127.0.0.1")
        .make("node", "n1", "--ip", "10.77.0.1", "--ip", "fd77::1")
        .make("console", "alice");
    CollectorCommand command = TestCollector.parse("--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
        "--tls-cert", certs.certificate("collector").toString(), "--tls-key", certs.key("collector").toString(),
        "--tls-ca", certs.ca().toString(), "--tls-reload", "1s");
    CollectorServer server = command.start();
    int port = server.port();
    int metricsPort = server.metricsEndpoint().address().getPort();
    TlsClient alice = new TlsClient(certs, "alice");
    BigInteger before = alice.serverSerial(port);
    assertEquals(certs.read("collector").getSerialNumber(), before);

    List<IpAddress> addresses = List.of(IpAddress.parse("10.77.0.1"), IpAddress.parse("fd77::1"));
    AgentIdentity.Builder identity = AgentIdentity.newBuilder().setNode("n1").setAgentId(AgentId.random())
        .setEpoch(StreamingAgent.newEpoch()).setSource("mix.pcap");
    addresses.forEach(a -> identity.addAddresses(FlowWire.toBytes(a)));
    try (TlsFiles agentFiles = TlsFiles.open(certs.certificate("n1"), certs.key("n1"), certs.ca(), Duration.ofSeconds(1));
        LoopedCapture source = LoopedCapture.of(CaptureFile.open(MainTest.capture("mix.pcap")), PASSES);
        GrpcThreads threads = new GrpcThreads();
        IngestClient client = IngestClient.forTarget("127.0.0.1:" + port, agentFiles.channelCredentials(),
            identity.build(), new BatchBuffer(BatchBuffer.DEFAULT_CAPACITY), threads)) {
      StreamingAgent agent = new StreamingAgent(source, new MonitorOptions(null, null, false,
          MonitorOptions.DEFAULT_MAX_FLOWS_PER_INTERVAL, MonitorOptions.DEFAULT_MAX_CONVERSATIONS)
          .withLocalAddresses(addresses), client, AgentCommand.DEFAULT_MAX_FLOWS_PER_BATCH, 1);
      Thread replay = Thread.ofPlatform().name("rotation-agent").start(() -> {
        try {
          agent.run(view -> {});
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      awaitBatches(server, 2);
      long appliedBefore = server.metrics().batchesApplied();

      certs.make("collector", "collector", "--ip", "127.0.0.1").make("node", "n1", "--ip", "10.77.0.1", "--ip", "fd77::1");
      BigInteger rotated = certs.read("collector").getSerialNumber();
      assertNotEquals(before, rotated);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while ((command.tls.files().reloadsApplied() == 0 || agentFiles.reloadsApplied() == 0) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(1, command.tls.files().reloadsApplied());
      assertEquals(1, agentFiles.reloadsApplied());
      assertEquals(rotated, alice.serverSerial(port), "a new connection is shown the new certificate");

      replay.join(Duration.ofSeconds(120));
      assertTrue(agent.awaitAcknowledged(Duration.ofSeconds(60)));
      assertTrue(server.metrics().batchesApplied() > appliedBefore, "batches applied after the rotation");
      assertEquals(1, client.streamsOpened(), "one stream, kept through the rotation");
      assertEquals(PASSES * TlsTest.SENT_BYTES, TlsTest.metric(certs, metricsPort,
          "clustertop_node_sent_bytes_total{node=\"n1\"}"));
      assertEquals(PASSES * TlsTest.RECEIVED_BYTES, TlsTest.metric(certs, metricsPort,
          "clustertop_node_received_bytes_total{node=\"n1\"}"));
      assertEquals(rotated.longValue(), certs.read("collector").getSerialNumber().longValue());
      assertEquals(certs.read("collector").getNotAfter().toInstant().getEpochSecond(), TlsTest.metric(certs, metricsPort,
          "clustertop_tls_certificate_expiry_timestamp_seconds{file=\"cert\"}"));
    } finally {
      server.stop();
      command.tls.close();
    }
  }

  private static void awaitBatches(CollectorServer server, long batches) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (server.metrics().batchesApplied() < batches && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertTrue(server.metrics().batchesApplied() >= batches, "the agent streams");
  }
}
