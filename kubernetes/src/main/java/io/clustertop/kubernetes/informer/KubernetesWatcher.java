package io.clustertop.kubernetes.informer;

import io.clustertop.kubernetes.ApiConnection;
import io.clustertop.kubernetes.ClusterMetadata;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.MetadataStore;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.Informable;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.File;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Lists and watches, with fabric8's informers, what the collector reads from the API server (Pods,
 * Services, Nodes, ReplicaSets and Jobs: the links from a pod to its Deployment or CronJob), and
 * keeps a {@link MetadataStore} up to date.
 *
 * <p>Nothing the API does stops it: a failed list or watch is counted ({@link ApiConnection}) and
 * retried with fabric8's back-off, for ever; a watch that ends is reopened by fabric8 from the last
 * version seen, and when the API server answers that this version is gone (410), the informer lists
 * everything again and the store learns what it missed (deletions included). A check every second
 * notes which watches are open and says when that changes.
 *
 * <p>Thread safety: {@link #start} and {@link #close} from one thread; the informers call the store
 * from their own threads (it serialises its writers).
 */
public final class KubernetesWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(KubernetesWatcher.class.getName());
  /** What the collector reads: the ClusterRole in deploy/kubernetes grants get, list and watch on exactly these. */
  public static final List<String> RESOURCES = List.of("pods", "services", "nodes", "replicasets", "jobs");
  /** How often the watches' state is checked, and (every {@link #FORGET_EVERY} checks) old history forgotten. */
  static final long CHECK_MILLIS = 1000;
  static final int FORGET_EVERY = 30;

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final MetadataStore store;
  private final ApiConnection api;
  private final LongSupplier clock;
  private final Map<String, SharedIndexInformer<? extends HasMetadata>> informers = new LinkedHashMap<>();
  private final ScheduledExecutorService checks;
  private volatile boolean closing;
  private boolean allSynced;
  private int checkCount;

  private KubernetesWatcher(KubernetesClient client, boolean ownsClient, MetadataLimits limits, LongSupplier clock) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.api = new ApiConnection(RESOURCES);
    this.store = new MetadataStore(limits, api);
    this.clock = clock;
    this.checks = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "clustertop-kubernetes");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The client for {@code --kubeconfig FILE}, or, without one, what fabric8 finds as kubectl would:
   * the pod's service account in a cluster, else {@code KUBECONFIG} or {@code ~/.kube/config}.
   *
   * @throws IllegalArgumentException for a kubeconfig that cannot be read or used, with the reason
   */
  public static Config config(Path kubeconfig) {
    if (kubeconfig == null) {
      return Config.autoConfigure(null);
    }
    if (!Files.isReadable(kubeconfig)) {
      throw new IllegalArgumentException(kubeconfig + ": no such readable file");
    }
    try {
      return Config.fromKubeconfig(new File(kubeconfig.toString()));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(kubeconfig + ": not a usable kubeconfig (" + e.getMessage() + ")", e);
    }
  }

  /** Connects with {@code config} and starts watching; returns at once (the first lists follow). */
  public static KubernetesWatcher start(Config config, MetadataLimits limits, LongSupplier clock) {
    return start(new KubernetesClientBuilder().withConfig(config).build(), true, limits, clock);
  }

  /** Starts watching through {@code client}, which the caller keeps (and closes). */
  public static KubernetesWatcher start(KubernetesClient client, MetadataLimits limits, LongSupplier clock) {
    return start(client, false, limits, clock);
  }

  private static KubernetesWatcher start(KubernetesClient client, boolean ownsClient, MetadataLimits limits,
      LongSupplier clock) {
    KubernetesWatcher w = new KubernetesWatcher(client, ownsClient, limits, clock);
    w.run();
    return w;
  }

  /** What the collector asks. */
  public ClusterMetadata metadata() {
    return store;
  }

  private void run() {
    LOG.log(Level.INFO, "kubernetes: watching {0} at {1}", String.join(", ", RESOURCES), client.getMasterUrl());
    inform("pods", client.pods().inAnyNamespace(), Readings::trim,
        (Pod p, Long at) -> store.pod(Readings.pod(p, at), at), (p, at) -> store.podDeleted(p.getMetadata().getUid(), at));
    inform("services", client.services().inAnyNamespace(), Readings::trim,
        (Service s, Long at) -> store.service(Readings.service(s, at), at),
        (s, at) -> store.serviceDeleted(s.getMetadata().getUid(), at));
    inform("nodes", client.nodes(), Readings::trim,
        (Node n, Long at) -> store.node(n.getMetadata().getName(), Readings.node(n)),
        (n, at) -> store.nodeDeleted(n.getMetadata().getName(), at));
    inform("replicasets", client.apps().replicaSets().inAnyNamespace(), Readings::trimOwner,
        (rs, at) -> store.owner(Readings.owner(rs)), (rs, at) -> store.ownerDeleted(rs.getMetadata().getUid()));
    inform("jobs", client.batch().v1().jobs().inAnyNamespace(), Readings::trimOwner,
        (job, at) -> store.owner(Readings.owner(job)), (job, at) -> store.ownerDeleted(job.getMetadata().getUid()));
    checks.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
  }

  private <T extends HasMetadata> void inform(String resource, Informable<T> source, UnaryOperator<T> trim,
      BiConsumer<T, Long> changed, BiConsumer<T, Long> deleted) {
    SharedIndexInformer<T> informer = source.runnableInformer(0);
    informer.removeNamespaceIndex(); // the store keeps its own indexes
    informer.itemStore(new TrimmingStore<>(trim));
    informer.exceptionHandler((started, error) -> {
      if (closing) {
        return false;
      }
      api.error(resource, error);
      LOG.log(Level.WARNING, "kubernetes: {0}; retrying", api.lastError());
      return true; // fabric8's default gives up on an error before the first list: we never do
    });
    informer.addEventHandler(new Handler<>(resource, changed, deleted));
    informers.put(resource, informer);
    informer.start();
  }

  /** Each second: which watches are open, which kinds are listed; now and then, forget old history. */
  private void check() {
    try {
      for (Map.Entry<String, SharedIndexInformer<? extends HasMetadata>> e : informers.entrySet()) {
        String resource = e.getKey();
        boolean watching = e.getValue().isWatching();
        if (api.watching(resource, watching) && !closing) {
          if (watching) {
            LOG.log(Level.INFO, "kubernetes: watching {0}", resource);
          } else {
            LOG.log(Level.WARNING, "kubernetes: the watch of {0} was lost; reconnecting", resource);
          }
        }
      }
      if (!allSynced && store.status().synced()) {
        allSynced = true;
        LOG.log(Level.INFO, "kubernetes: synced: {0}", store.status().summary());
      }
      if (++checkCount % FORGET_EVERY == 0) {
        store.forgetOld(clock.getAsLong());
      }
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "kubernetes: check failed", e); // the next check runs all the same
    }
  }

  @Override
  public void close() {
    closing = true;
    checks.shutdownNow();
    informers.values().forEach(SharedIndexInformer::stop);
    if (ownsClient) {
      client.close();
    }
  }

  /** One kind's events into the store; never lets an exception reach the informer. */
  private final class Handler<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final String resource;
    private final BiConsumer<T, Long> changed;
    private final BiConsumer<T, Long> deleted;

    Handler(String resource, BiConsumer<T, Long> changed, BiConsumer<T, Long> deleted) {
      this.resource = resource;
      this.changed = changed;
      this.deleted = deleted;
    }

    @Override
    public void onBeforeList(String resourceVersion) {
      api.listing(resource);
    }

    @Override
    public void onList(String resourceVersion, boolean empty) {
      api.synced(resource);
    }

    @Override
    public void onAdd(T object) {
      apply(changed, object);
    }

    @Override
    public void onUpdate(T before, T object) {
      apply(changed, object);
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      apply(deleted, object);
    }

    private void apply(BiConsumer<T, Long> action, T object) {
      try {
        action.accept(object, clock.getAsLong());
      } catch (RuntimeException e) {
        // an object the readings do not expect (a field missing): skip it, say so, go on
        api.error(resource, e);
        LOG.log(Level.WARNING, "kubernetes: {0}: skipped {1}: {2}", resource, object.getMetadata().getName(), e.toString());
      }
    }
  }
}
