package io.clustertop.kubernetes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How the watch of each kind of object stands: written by the informers' threads and the watcher's
 * health check, read by {@link ClusterMetadata#status()}.
 *
 * <p>Thread safety: every method may be called from any thread; each figure is read on its own (a
 * status is a set of recent figures, not one atomic moment).
 */
public final class ApiConnection {
  private final Map<String, Resource> resources = new LinkedHashMap<>();
  private final AtomicLong errors = new AtomicLong();
  private volatile String lastError = "";

  /** @param resourceNames the kinds watched, in the order the status lists them */
  public ApiConnection(List<String> resourceNames) {
    resourceNames.forEach(r -> resources.put(r, new Resource()));
  }

  /** No API at all: a store filled by hand (tests, benchmarks). */
  public static ApiConnection none() {
    return new ApiConnection(List.of());
  }

  /** A list of {@code resource} begins; every list after the first is a relist. */
  public void listing(String resource) {
    Resource r = resource(resource);
    if (r.lists.getAndIncrement() > 0) {
      r.relists.incrementAndGet();
    }
  }

  /** The first list of {@code resource} has been read. */
  public void synced(String resource) {
    resource(resource).synced = true;
  }

  /**
   * Whether the watch of {@code resource} is open now; true when that changed. A watch that closes
   * after having been open counts as lost.
   */
  public boolean watching(String resource, boolean watching) {
    Resource r = resource(resource);
    if (r.watching == watching) {
      return false;
    }
    r.watching = watching;
    if (!watching) {
      r.watchLosses.incrementAndGet();
    }
    return true;
  }

  /** A list or watch of {@code resource} failed (fabric8 retries it). */
  public void error(String resource, Throwable error) {
    errors.incrementAndGet();
    String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
    lastError = resource + ": " + message.lines().findFirst().orElse("");
  }

  public List<ResourceState> resources() {
    List<ResourceState> out = new ArrayList<>(resources.size());
    resources.forEach((name, r) -> out.add(new ResourceState(name, r.synced, r.watching, r.watchLosses.get(), r.relists.get())));
    return out;
  }

  public long errors() {
    return errors.get();
  }

  public String lastError() {
    return lastError;
  }

  private Resource resource(String name) {
    Resource r = resources.get(name);
    if (r == null) {
      throw new IllegalArgumentException("not a watched resource: " + name);
    }
    return r;
  }

  private static final class Resource {
    volatile boolean synced;
    volatile boolean watching;
    final AtomicLong watchLosses = new AtomicLong();
    final AtomicLong relists = new AtomicLong();
    final AtomicLong lists = new AtomicLong();
  }
}
