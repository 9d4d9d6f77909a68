package io.clustertop.benchmarks;

import io.clustertop.core.flow.IpAddress;
import io.clustertop.kubernetes.ApiConnection;
import io.clustertop.kubernetes.MetadataLimits;
import io.clustertop.kubernetes.MetadataStore;
import io.clustertop.kubernetes.Owner;
import io.clustertop.kubernetes.OwnerFacts;
import io.clustertop.kubernetes.PodFacts;
import io.clustertop.kubernetes.PodRef;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the collector pays per conversation to name its pod: {@link MetadataStore#podAt} over
 * {@code pods} pods (a quarter of the addresses reused once, so half the lookups scan two spans),
 * for addresses the collector already holds (as its flow keys do), at times spread over the spans.
 * {@code lookup}: one thread. {@code readWhileWriting}: one reader while a writer changes other pods
 * of the same store (an address given up and taken by a new pod, in 10.78.0.0/16) up to 10,000
 * times a second, a hundred times a busy cluster's churn: reads take no lock, so the writer slows
 * them only through the caches and the second core.
 * Run with {@code -prof gc}: {@code lookup} allocates nothing (the writer does, for its new pods).
 */
@State(Scope.Group)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class KubernetesLookupBenchmark {
  private static final int QUERIES = 4096;
  private static final long S = 1_000_000_000L;
  private static final long T0 = 1_767_225_600L * S;

  @Param({"10000", "100000"})
  int pods;

  private MetadataStore store;
  private IpAddress[] addresses;
  private long[] times;
  private int writes;

  @Setup
  public void setUp() {
    store = new MetadataStore(MetadataLimits.defaults(), ApiConnection.none());
    store.owner(new OwnerFacts("rs", "ReplicaSet", "shop", "web-7d9f", new Owner("Deployment", "web", "d")));
    Random random = new Random(7);
    IpAddress[] podAddresses = new IpAddress[pods];
    for (int i = 0; i < pods; i++) {
      podAddresses[i] = IpAddress.v4(0x0a4d0000L + i); // 10.77.x.y
      store.pod(pod("p" + i, podAddresses[i], T0), T0);
      if (i % 4 == 0) { // reused: the first pod ends at T0+60 s, the next holds it from T0+61 s
        store.podDeleted("p" + i, T0 + 60 * S);
        store.pod(pod("q" + i, podAddresses[i], T0 + 61 * S), T0 + 61 * S);
      }
    }
    addresses = new IpAddress[QUERIES];
    times = new long[QUERIES];
    for (int q = 0; q < QUERIES; q++) {
      // a new instance equal to the table's key, as a flow key's address would be
      addresses[q] = IpAddress.v4(0x0a4d0000L + random.nextInt(pods));
      times[q] = T0 + random.nextInt(120) * S;
    }
  }

  private static PodFacts pod(String uid, IpAddress address, long since) {
    return new PodFacts(uid, "shop", "web-7d9f-" + uid, "n1", false, List.of(address), since, 0, List.of("c" + uid),
        new Owner("ReplicaSet", "web-7d9f", "rs"));
  }

  @Benchmark
  @Group("lookup")
  @GroupThreads(1)
  @OperationsPerInvocation(QUERIES)
  public int lookup() {
    return lookups();
  }

  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  @OperationsPerInvocation(QUERIES)
  public int reader() {
    return lookups();
  }

  /** One pod change per call: an address given up and taken by a new pod (a real cluster makes a few a second). */
  @Benchmark
  @Group("readWhileWriting")
  @GroupThreads(1)
  public void writer() throws InterruptedException {
    TimeUnit.MICROSECONDS.sleep(100);
    int n = writes++;
    IpAddress a = IpAddress.v4(0x0a4e0000L + (n % pods));
    long at = T0 - 3600 * S + n; // before the readers' times, so forgetting the writer's history leaves theirs
    store.podDeleted("w" + (n - pods), at);
    store.pod(pod("w" + n, a, at), at);
    if ((n & 0xFFFF) == 0xFFFF) {
      store.forgetOld(at + MetadataLimits.DEFAULT_RETENTION.toNanos()); // keeps the writer's history bounded
    }
  }

  private int lookups() {
    int found = 0;
    for (int q = 0; q < QUERIES; q++) {
      PodRef p = store.podAt(addresses[q], times[q]);
      if (p != null) {
        found++;
      }
    }
    return found;
  }
}
