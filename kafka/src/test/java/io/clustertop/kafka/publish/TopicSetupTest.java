package io.clustertop.kafka.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clustertop.kafka.KafkaBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The agent's topics on a real broker: created as the layout says, existing ones left alone, a refusal not fatal. */
class TopicSetupTest {
  @RegisterExtension
  static final KafkaBroker BROKER = new KafkaBroker();

  private static Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", BROKER.bootstrap()));
  }

  @Test
  void missingTopicsAreCreatedAsTheLayoutSaysAndExistingOnesLeftAlone() throws Exception {
    TopicLayout layout = new TopicLayout(4, Optional.of((short) 1), Duration.ofMinutes(90), 2 << 20);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic("made-nodes", 2, (short) 1))).all().get(); // an operator's
      TopicSetup.settle(admin, layout.newTopics("made", "made-nodes"));
      TopicSetup.settle(admin, layout.newTopics("made", "made-nodes")); // again: both exist now

      assertEquals(4, partitions(admin, "made"));
      assertEquals(2, partitions(admin, "made-nodes"));
      ConfigResource made = new ConfigResource(ConfigResource.Type.TOPIC, "made");
      ConfigResource nodes = new ConfigResource(ConfigResource.Type.TOPIC, "made-nodes");
      Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(made, nodes)).all().get();
      assertEquals("delete", configs.get(made).get("cleanup.policy").value());
      assertEquals(Long.toString(Duration.ofMinutes(90).toMillis()), configs.get(made).get("retention.ms").value());
      assertEquals(Integer.toString(2 << 20), configs.get(made).get("max.message.bytes").value());
      assertEquals("delete", configs.get(nodes).get("cleanup.policy").value(), "the operator's topic, as it was");
    }
  }

  /**
   * The topic's partition count, once the broker knows the topic: a creation is acknowledged when
   * the controller has it, and the broker's metadata may follow a moment later.
   */
  private static int partitions(Admin admin, String topic) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() - deadline > 0) {
          throw new AssertionError("cannot describe " + topic, e);
        }
        Thread.sleep(50);
      }
    }
  }

  @Test
  void aRefusalIsLoggedAndLeavesTheTopicsToTheOperators() throws Exception {
    TopicLayout threeReplicas = new TopicLayout(1, Optional.of((short) 3), Duration.ofHours(1), 1 << 20);
    try (Admin admin = admin()) {
      TopicSetup.settle(admin, threeReplicas.newTopics("refused", "refused-nodes")); // one broker: no error thrown
      assertFalse(admin.listTopics().names().get().contains("refused"));
    }
  }
}
