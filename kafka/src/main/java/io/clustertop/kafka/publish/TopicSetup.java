package io.clustertop.kafka.publish;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the agent's topics when they are missing, as {@link TopicLayout} says. Existing topics
 * are left as they are. A cluster that refuses (no permission to create topics, a policy, too few
 * brokers for the replication) is taken to have its topics made by its operators: the refusal is
 * logged and publishing goes on; if the topics really are missing, sends fail and say so.
 */
public final class TopicSetup {
  private static final System.Logger LOG = System.getLogger(TopicSetup.class.getName());

  /** Settles the topics, or throws a {@link RetriableException} if the cluster did not answer and it must be tried again. */
  @FunctionalInterface
  interface Step {
    void settle() throws InterruptedException;
  }

  private TopicSetup() {}

  /** The step that creates {@code topics} through an admin client made by {@code admin} for the one call. */
  static Step creating(List<NewTopic> topics, Supplier<Admin> admin) {
    return () -> {
      try (Admin client = admin.get()) {
        settle(client, topics);
      }
    };
  }

  public static void settle(Admin admin, List<NewTopic> topics) throws InterruptedException {
    Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
    List<String> outcomes = new ArrayList<>();
    for (NewTopic topic : topics) {
      try {
        results.get(topic.name()).get();
        outcomes.add(topic.name() + " created (" + describe(topic) + ")");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof TopicExistsException) {
          outcomes.add(topic.name() + " exists");
        } else if (cause instanceof RetriableException retriable) {
          throw retriable;
        } else {
          LOG.log(System.Logger.Level.WARNING, "cannot create topic {0} ({1}): expecting it to exist", topic.name(),
              cause.getMessage());
          outcomes.add(topic.name() + " not created");
        }
      }
    }
    LOG.log(System.Logger.Level.INFO, "topics: {0}", String.join(", ", outcomes));
  }

  private static String describe(NewTopic topic) {
    StringBuilder text = new StringBuilder().append(topic.numPartitions()).append(topic.numPartitions() == 1 ? " partition" : " partitions");
    text.append(topic.replicationFactor() < 0 ? ", the brokers' replication"
        : ", " + topic.replicationFactor() + (topic.replicationFactor() == 1 ? " replica" : " replicas"));
    if (topic.configs() != null) {
      topic.configs().entrySet().stream().sorted(Map.Entry.comparingByKey())
          .forEach(c -> text.append(", ").append(c.getKey()).append('=').append(c.getValue()));
    }
    return text.toString();
  }
}
