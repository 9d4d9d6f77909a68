package io.clustertop.agent.attribution;

import io.clustertop.core.attribution.Container;

/** Names containers found by their cgroup: from a runtime's API where it can be read. */
@FunctionalInterface
interface ContainerNames {
  /** Names nothing: containers go by their id. */
  ContainerNames NONE = c -> c;

  /** {@code container} with its name, or as it is where no name is known. */
  Container named(Container container);
}
