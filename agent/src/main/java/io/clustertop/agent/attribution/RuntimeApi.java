package io.clustertop.agent.attribution;

import java.io.IOException;
import java.util.Map;

/**
 * A container runtime's API, read for its containers' names ({@link ContainerNames} decides when).
 * Each call is bounded in time and in the size of the answer, so that a runtime that hangs or
 * answers too much never holds attribution up for long.
 */
interface RuntimeApi extends AutoCloseable {
  /** The largest answer read: a node's list of containers is far smaller. */
  int MAX_ANSWER_BYTES = 16 << 20;
  /** How long one call may take before it counts as failed. */
  long DEADLINE_MILLIS = 2_000;

  /** The runtime whose containers it names, as {@link io.clustertop.core.attribution.Container#runtime()} says it. */
  String runtime();

  /** Whether a container whose cgroup says {@code cgroupRuntime} may be one of this runtime's. */
  boolean mayRun(String cgroupRuntime);

  /**
   * The runtime's containers now: id -> name, the name empty for a container it has but cannot
   * name (so that it is not asked for again).
   */
  Map<String, String> names() throws IOException;

  /** Where it is read, for the log: "Docker's API at /var/run/docker.sock". */
  @Override
  String toString();

  @Override
  void close();
}
