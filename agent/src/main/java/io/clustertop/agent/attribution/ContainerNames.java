package io.clustertop.agent.attribution;

import io.clustertop.core.attribution.Container;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Names containers found by their cgroup, from the runtimes' APIs where they can be read; the one
 * rule for every runtime ({@link DockerApi}, {@link ContainerdApi}):
 * <ul>
 *   <li>a runtime is asked only for a container its cgroup says may be its own and that is not in
 *       its latest answer, and at most once per attribution refresh (so at most once a second);
 *   <li>each answer replaces the one before: what is kept is one answer, bounded by {@link
 *       RuntimeApi#MAX_ANSWER_BYTES};
 *   <li>where the API cannot be read (no socket, no permission, a deadline passed), the container
 *       goes by its id; the log says so once, and once again when the API answers again.
 * </ul>
 *
 * <p>Thread safety: the attribution thread only, but for {@link #lists()} and {@link #failures()}.
 */
final class ContainerNames implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(ContainerNames.class.getName());

  /** Names nothing: containers go by their id. */
  static ContainerNames none() {
    return new ContainerNames(List.of());
  }

  private final List<Runtime> runtimes;
  private volatile long lists;
  private volatile long failures;

  ContainerNames(List<? extends RuntimeApi> apis) {
    this.runtimes = apis.stream().map(Runtime::new).toList();
  }

  /** A new refresh: a container not known may be asked for again. */
  void newRefresh() {
    for (Runtime r : runtimes) {
      r.askedThisRefresh = false;
    }
  }

  /** {@code container} with its name and runtime where a runtime knows it, else as it is. */
  Container named(Container container) {
    for (Runtime r : runtimes) {
      if (!r.api.mayRun(container.runtime())) {
        continue;
      }
      String name = r.names.get(container.id());
      if (name == null && !r.askedThisRefresh) {
        r.askedThisRefresh = true;
        read(r);
        name = r.names.get(container.id());
      }
      if (name != null) {
        return new Container(container.id(), r.api.runtime(), name);
      }
    }
    return container;
  }

  /** Answers read from the runtimes' APIs. */
  long lists() {
    return lists;
  }

  /** Calls to the runtimes' APIs that failed. */
  long failures() {
    return failures;
  }

  private void read(Runtime r) {
    try {
      Map<String, String> fresh = r.api.names();
      r.names = fresh;
      lists++;
      if (!r.answered || r.failure != null) { // the first answer, or the first after a failure
        LOG.log(System.Logger.Level.INFO, "container names: {0} answers ({1} containers)", r.api, fresh.size());
      }
      r.answered = true;
      r.failure = null;
    } catch (IOException | RuntimeException e) {
      failures++;
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      if (r.failure == null) {
        LOG.log(System.Logger.Level.INFO, "container names: {0} not reachable ({1}): its containers go by their id",
            r.api, reason);
      }
      r.failure = reason;
    }
  }

  @Override
  public void close() {
    for (Runtime r : runtimes) {
      r.api.close();
    }
  }

  /** One runtime's API and what it answered last. */
  private static final class Runtime {
    final RuntimeApi api;
    Map<String, String> names = new HashMap<>();
    boolean askedThisRefresh;
    boolean answered;
    String failure;

    Runtime(RuntimeApi api) {
      this.api = api;
    }
  }
}
