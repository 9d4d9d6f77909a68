package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.CollectorServer;
import io.clustertop.kafka.KafkaBroker;
import io.clustertop.relay.RelayServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import picocli.CommandLine;

/**
 * {@code clustertop relay --kafka B --group G} and {@code clustertop collector --kafka B --group G}
 * as started from the command line, against a real broker: a collector listening on every address
 * and naming none announces only its port, and the relay reaches it at the address the brokers see it
 * at (127.0.0.1 here); the console's text mode through the relay says so; once the collector stops
 * (its announcement withdrawn), the relay says it knows no shard. (How the relay follows joins, leaves
 * and kills, with exact figures: the relay module's DiscoveredShardsTest.)
 */
class RelayDiscoveryCommandTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  @RegisterExtension
  final StandardStreams streams = new StandardStreams();

  private static final Duration WAIT = Duration.ofSeconds(60);

  /** The {@code Relay:} line of the console's text mode through the relay. */
  private String relayLine(String target) {
    streams.reset();
    Main.run("console", "--connect", target, "-t", "-n", "-N", "-s", "3");
    return streams.stdout().lines().filter(l -> l.startsWith("Relay:")).findFirst().orElse("");
  }

  private String awaitRelayLine(String target, String expected) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String line = relayLine(target);
    while (!line.equals(expected) && System.nanoTime() < deadline) {
      Thread.sleep(500);
      line = relayLine(target);
    }
    return line;
  }

  @Test
  void theRelayFindsACollectorListeningOnEveryAddressWhereTheBrokersSeeIt() throws Exception {
    // the agents' topics, as an agent creates them (else the collector waits 30 s for the node records)
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", BROKER.bootstrap()))) {
      admin.createTopics(List.of(new NewTopic("discovery", 1, (short) 1), new NewTopic("discovery-nodes", 1, (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
    }
    RelayCommand relayCommand = new RelayCommand();
    new CommandLine(relayCommand).parseArgs("--kafka", BROKER.bootstrap(), "--topic", "discovery", "--group", "g1",
        "--listen", "127.0.0.1:0");
    RelayServer relay = relayCommand.start();
    String target = "127.0.0.1:" + relay.port();
    CollectorCommand collectorCommand = TestCollector.parse("--listen", "0.0.0.0:0", "--insecure", "--kafka",
        BROKER.bootstrap(), "--topic", "discovery", "--group", "g1");
    CollectorServer collector = null;
    try {
      assertEquals("Relay: no shard known yet: no figures", relayLine(target));
      collector = collectorCommand.start();
      String shard = "127.0.0.1:" + collector.port();
      assertEquals("Relay: 1 of 1 shard answering; rows exact", awaitRelayLine(target, "Relay: 1 of 1 shard answering; rows exact"));
      assertEquals(List.of(shard), relay.shards());

      collectorCommand.closeKafka(); // a clean stop: its tombstone
      assertEquals("Relay: no shard known yet: no figures", awaitRelayLine(target, "Relay: no shard known yet: no figures"));
      assertEquals(List.of(), relay.shards());
    } finally {
      collectorCommand.closeKafka();
      if (collector != null) {
        collector.stop();
      }
      relayCommand.closeDiscovery();
      relay.stop();
      relayCommand.tls.close();
      collectorCommand.tls.close();
    }
  }
}
