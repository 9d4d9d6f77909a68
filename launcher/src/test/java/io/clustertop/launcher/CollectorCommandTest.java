package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.CollectorServer;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.proto.v1.Totals;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/**
 * {@code clustertop collector}: its user errors, a start on ephemeral ports with metrics, and the real
 * agent's replay of a capture arriving whole.
 */
class CollectorCommandTest {

  @Test
  void aBadAddressOrLimitIsAUserError() {
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "nowhere"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:70000"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--max-agents", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--max-message-bytes", "10"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--max-conversations", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--agent-expiry", "30s"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--agent-expiry", "ten"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--max-held-bytes", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--cluster-networks", "10.0.0.0/8,10.1.0.0/33"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--cluster-networks", "cluster"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kubeconfig", "/nonexistent/kubeconfig"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kubernetes", "--kubernetes-history", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kubernetes", "--kubernetes-retention", "0m"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--group", "g"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kafka", "nowhere"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kafka", "127.0.0.1:9092",
        "--topic", "t", "--node-topic", "t"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kafka", "127.0.0.1:9092",
        "--kafka-config", "/nonexistent/kafka.properties"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--advertise", "10.77.0.5:7447"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kafka", "127.0.0.1:9092",
        "--advertise", "0.0.0.0:7447"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kafka", "127.0.0.1:9092",
        "--advertise", "10.77.0.5"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--kafka", "127.0.0.1:9092",
        "--shard-topic", "clustertop"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--max-link-rate", "fast"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--max-link-rate", "4"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--max-new-conversations-per-second", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--max-hellos-per-minute", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--max-subscribers-per-console", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--watch-unread-publications", "0"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--mask-remote", "everything"));
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--mask-remote", "hash:/nonexistent/key"));
  }

  @Test
  void theLimitsAgainstAHostileAgentAndTheMaskReachTheCollector(@TempDir Path dir) throws Exception {
    Path key = dir.resolve("mask.key");
    java.nio.file.Files.write(key, new byte[32]);
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--mask-remote",
        "hash:" + dir.resolve("short.key")));
    java.nio.file.Files.write(dir.resolve("short.key"), new byte[8]);
    assertEquals(ExitStatus.USAGE, Main.run("collector", "--listen", "127.0.0.1:0", "--mask-remote",
        "hash:" + dir.resolve("short.key")));
    CollectorServer server = TestCollector.start("--listen", "127.0.0.1:0", "--max-link-rate", "25G",
        "--max-new-conversations-per-second", "700", "--max-hellos-per-minute", "9", "--max-subscribers", "11",
        "--max-subscribers-per-console", "3", "--watch-unread-publications", "5", "--mask-remote", "hash:" + key);
    try {
      io.clustertop.collector.CollectorOptions o = server.options();
      assertEquals(25_000_000_000L / 8, o.limits().maxLinkBytesPerSecond());
      assertEquals(700, o.limits().maxNewConversationsPerSecond());
      assertEquals(9, o.limits().maxHellosPerMinute());
      assertEquals(new io.clustertop.collector.watch.WatchLimits(11, 3, 5), o.watch());
      assertEquals("keyed hash", o.mask().describe());
    } finally {
      server.stop();
    }
  }

  @Test
  void aRealAgentsReplayArrivesWhole(@TempDir Path state) throws Exception {
    CollectorServer server = TestCollector.start("--listen", "127.0.0.1:0");
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
    try {
      int status = Main.run("agent", "--collector", "127.0.0.1:" + server.port(), "-r",
          MainTest.capture("mix.pcap").toString(), "--speed", "0", "-F", "10.77.0.0/16", "-G", "fd77::/16",
          "--node", "node-a", "--address", "10.77.0.1", "--state-dir", state.toString(), "--max-flows-per-batch", "2");
      assertEquals(ExitStatus.OK, status);

      ViewSnapshot view = WatchGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
          .subscribe(WatchRequest.newBuilder().setNode("node-a").build()).next();
      Totals totals = view.getTotals();
      // tshark's count of mix.pcap (mix.expected), as the agent's own test holds it.
      assertEquals(48, totals.getSent().getPackets() + totals.getReceived().getPackets());
      assertEquals(34_420, totals.getSent().getBytes() + totals.getReceived().getBytes());
      for (InputProblem p : InputProblem.values()) {
        assertEquals(0, server.metrics().rejectedCount(p), p.name());
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.stop();
    }
  }

  @Test
  void startsOnTheGivenAddressesAndServesMetrics() throws Exception {
    CollectorServer server = TestCollector.start("--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
        "--max-agents", "7");
    try (HttpClient http = HttpClient.newHttpClient()) {
      assertTrue(server.port() > 0);
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.metricsEndpoint().address().getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertTrue(response.body().contains("\nclustertop_agents_connected 0\n"), response.body());
    } finally {
      server.stop();
    }
  }
}
