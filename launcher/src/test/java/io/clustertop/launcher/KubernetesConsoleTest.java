package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code clustertop collector --kubeconfig FILE --history FILE} against fabric8's mock API server
 * (CRUD mode, on 127.0.0.1), agents' batches over gRPC, {@code clustertop console --group
 * namespaces|workloads} printing the rows by namespace and by workload, and {@code clustertop cost
 * --by namespace|workload} reporting the minute from the history: the commands as a user runs them,
 * exact bytes and costs in JSON. The text reports are written to {@code target/kubernetes-console.txt}
 * and {@code target/kubernetes-cost.txt}: the README's captures of "On Kubernetes" and "Egress cost".
 */
class KubernetesConsoleTest {
  @Test
  void theConsoleShowsTheClusterByNamespaceAndByWorkload(@TempDir Path dir) throws Exception {
    try (KubernetesCluster cluster = new KubernetesCluster(dir)) {
      String target = cluster.target;
      String namespacesJson = run("console", "--connect", target, "--group", "namespaces", "--json", "-s", "1");
      String last = namespacesJson.lines().reduce((a, b) -> b).orElseThrow();
      assertRow(last, "etl", 79_000_000, 1_500_000);
      assertRow(last, "shop", 2_000_000, 400_000);
      assertRow(last, "kube-system", 120_000, 80_000);
      assertRow(last, "(host)", 9_000 + 15_000, 0); // each byte once: n1's ssh with n2, what each end sent
      String workloadsJson = run("console", "--connect", target, "--group", "workloads", "--within", "etl", "--json",
          "-s", "1");
      String workloads = workloadsJson.lines().reduce((a, b) -> b).orElseThrow();
      assertRow(workloads, "etl/Deployment/batch", 79_000_000, 1_500_000);
      assertTrue(!workloads.contains("shop/"), workloads);

      List<String> screens = new ArrayList<>();
      screens.add("$ clustertop console --group namespaces -t -s 2");
      screens.add(run("console", "--connect", target, "--group", "namespaces", "-t", "-n", "-N", "-s", "2", "--cost"));
      screens.add("$ clustertop console --group workloads -t -s 2");
      screens.add(run("console", "--connect", target, "--group", "workloads", "-t", "-n", "-N", "-s", "2", "--cost"));
      Path out = Path.of("target", "kubernetes-console.txt");
      Files.writeString(out, String.join("\n", screens));
      assertTrue(screens.get(1).contains("etl"), screens.get(1));
      assertTrue(screens.get(3).contains("etl/Deployment/batch"), screens.get(3));

      // the minute into the history (the collector writes one a minute; the test says when), then the
      // cost by namespace and by workload: what each node sent, what it received from outside, each
      // byte once; the internet's egress at 0.09 a GB, its ingress free, n1 <-> n2 at 0.01 + 0.01
      cluster.collector.flushHistory(cluster.now);
      String total = "\"total\":" + costLine("total", 81_120_000, 1_980_000, 24_000, "0.00730128");
      for (List<String> names : List.of(List.of("namespace", "etl", "shop", "kube-system"),
          List.of("workload", "etl/Deployment/batch", "shop/StatefulSet/web", "kube-system/DaemonSet/kube-proxy"))) {
        String report = run("cost", "--connect", target, "--by", names.get(0), "--json");
        assertTrue(report.contains("\"by\":\"" + names.get(0) + "\""), report);
        assertTrue(report.contains("\"lines\":["
            + costLine(names.get(1), 79_000_000, 1_500_000, 0, "0.00711") + ","
            + costLine(names.get(2), 2_000_000, 400_000, 0, "0.00018") + ","
            + costLine(names.get(3), 120_000, 80_000, 0, "0.0000108") + ","
            + costLine("(host)", 0, 0, 24_000, "0.00000048") + "]," + total), report);
      }
      String byNode = run("cost", "--connect", target, "--by", "node", "--json");
      assertTrue(byNode.contains("\"lines\":["
          + costLine("n1", 81_120_000, 1_980_000, 9_000, "0.00730098") + ","
          + costLine("n2", 0, 0, 15_000, "0.0000003") + "]," + total), byNode);
      List<String> reports = List.of(
          "$ clustertop cost --by namespace",
          run("cost", "--connect", target, "--by", "namespace"),
          "$ clustertop cost --by workload --exact",
          run("cost", "--connect", target, "--by", "workload", "--exact"));
      Files.writeString(Path.of("target", "kubernetes-cost.txt"), String.join("\n", reports));
    }
  }

  /** A line of {@code clustertop cost --json}, as it prints it. */
  private static String costLine(String key, long egress, long ingress, long internal, String cost) {
    return "{\"key\":\"" + key + "\",\"egress_bytes\":" + egress + ",\"ingress_bytes\":" + ingress
        + ",\"internal_bytes\":" + internal + ",\"bytes\":" + (egress + ingress + internal) + ",\"cost\":\"" + cost
        + "\"}";
  }

  /** The row named {@code name} in a JSON report has these bytes each way. */
  private static void assertRow(String json, String name, long sent, long received) {
    String row = json.substring(json.indexOf("{\"src\":\"" + name + "\""));
    row = row.substring(0, row.indexOf("\"rates\""));
    assertTrue(row.contains("\"sent_bytes\":" + sent + ","), name + ": " + row);
    assertTrue(row.contains("\"recv_bytes\":" + received + ","), name + ": " + row);
  }

  private static String run(String... args) {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      assertEquals(0, Main.run(args));
    } finally {
      System.setOut(saved);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
