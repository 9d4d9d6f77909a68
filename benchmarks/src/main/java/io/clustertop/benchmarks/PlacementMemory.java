package io.clustertop.benchmarks;

import io.clustertop.core.rows.Placement;
import io.clustertop.core.rows.Placements;
import java.util.Map;

/**
 * The collector's heap per pod for its rows by placement, beside what the watcher holds
 * ({@link KubernetesMemory}): {@code PODS} pods in 20 namespaces, a Deployment per 10 pods, each pod
 * with {@code PROCESSES} processes whose conversations the agents attributed, each of them one
 * placement ({@link Placements}, interned once); a class histogram of the heap after a full GC before
 * and after. (Each conversation adds two ints to its store besides: 8 bytes.)
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar io.clustertop.benchmarks.PlacementMemory [PODS] [PROCESSES]</pre>
 */
public final class PlacementMemory {
  private PlacementMemory() {}

  public static void main(String[] args) throws Exception {
    int pods = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    int processes = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    Map<String, Long> before = KubernetesMemory.heapByClass();
    Placements placements = new Placements(10_000_000);
    for (int p = 0; p < pods; p++) {
      String namespace = "ns" + p % 20;
      String workload = namespace + "/Deployment/app" + p / 10;
      String pod = namespace + "/app" + p / 10 + "-7d9f5c-" + Integer.toString(p, 36);
      String container = "app-" + Integer.toHexString(p * 31);
      for (int q = 0; q < processes; q++) {
        placements.id(new Placement("java[" + (1000 + p * processes + q) + "]", container, namespace, workload, pod,
            q == 0 ? Placement.NO_SERVICE : namespace + "/db"));
      }
    }
    Map<String, Long> after = KubernetesMemory.heapByClass();
    long grown = after.values().stream().mapToLong(Long::longValue).sum()
        - before.values().stream().mapToLong(Long::longValue).sum();
    System.out.printf("%d pods, %d processes each: %d placements, heap %+,d bytes: %,d bytes per pod, %,d per placement%n",
        pods, processes, placements.size(), grown, grown / pods, grown / placements.size());
    after.entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
        .filter(e -> e.getValue() > grown / 50)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .forEach(e -> System.out.printf("  %-40s %+,d%n", e.getKey(), e.getValue()));
    if (placements.size() < 0) {
      System.out.println(); // keeps the table reachable until the histogram is made
    }
  }
}
