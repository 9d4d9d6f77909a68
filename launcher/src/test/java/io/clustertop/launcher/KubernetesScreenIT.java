package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full screen grouped by namespace and by workload, as a person sees it: {@link KubernetesCluster}
 * (the mock API server, the real collector, a second of two agents' traffic), and the packaged
 * {@code bin/clustertop console --connect COLLECTOR -n -N --group namespaces} (then {@code workloads})
 * in a tmux terminal of 100x30 on a tmux server of its own, read with {@code capture-pane} once every
 * row and the status line are on it and the help hint has gone, as {@code test/tui/readme-screens.sh}
 * reads its screens. The screens are written to {@code target/kubernetes-screens.txt}: the README's
 * full-screen captures of "On Kubernetes" (text only: the bars' reverse video is lost). The agents
 * sent one second, so the rates are of the windows still holding it when the screen is read: only
 * the cumulative figures and the costs so far are exact.
 */
class KubernetesScreenIT {
  private static final String TMUX_SERVER = "ctk8s-" + ProcessHandle.current().pid();

  @Test
  void theFullScreenShowsTheClusterByNamespaceAndByWorkload(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(run("tmux", "-V") == 0, "needs tmux (setup.sh installs it)");
    Path launcher = Path.of("..", "bin", "clustertop").toAbsolutePath().normalize();
    try (KubernetesCluster cluster = new KubernetesCluster(dir)) {
      List<String> screens = new ArrayList<>();
      String namespaces = screen(launcher, cluster.target, "namespaces", "kube-system");
      screens.add("$ clustertop console --group namespaces -n -N   (100x30)\n" + namespaces);
      String workloads = screen(launcher, cluster.target, "workloads", "kube-system/DaemonSet/kube-proxy");
      screens.add("$ clustertop console --group workloads -n -N   (100x30)\n" + workloads);
      Files.writeString(Path.of("target", "kubernetes-screens.txt"), String.join("\n", screens));
      // every row with its cost so far, the cumulative totals of the second's traffic (77.4MB out, each
      // byte once), the status line (cut at the screen's width)
      List<String> costs = List.of("0.00711 so far", "0.00018 so far", "0.0000108 so far", "0.00000048 so far");
      assertRows(namespaces, List.of("etl", "shop", "kube-system", "(host)"), costs);
      assertRows(workloads, List.of("etl/Deployment/batch", "shop/StatefulSet/web", "kube-system/DaemonSet/kube-proxy",
          "(host)"), costs);
      for (String s : List.of(namespaces, workloads)) {
        assertTrue(s.contains("TX:             cum:   77.4MB"), s);
        assertTrue(s.contains("cost (USD): "), s);
        assertTrue(s.contains("0.00730 so far"), s);
      }
    } finally {
      run("tmux", "-L", TMUX_SERVER, "kill-server");
    }
  }

  /** Each row's name at the start of a line, in this order, the next line ending with its cost so far. */
  private static void assertRows(String screen, List<String> names, List<String> costs) {
    List<String> lines = screen.lines().toList();
    int at = 0;
    for (int i = 0; i < names.size(); i++) {
      while (at < lines.size() && !lines.get(at).startsWith(names.get(i) + " ")) {
        at++;
      }
      assertTrue(at + 1 < lines.size(), names.get(i) + " in order in\n" + screen);
      assertTrue(lines.get(at + 1).contains(costs.get(i)),
          names.get(i) + ": " + costs.get(i) + " in\n" + screen);
    }
  }

  /** The console's full screen, grouped so, once {@code last} (the last row's name) shows. */
  private static String screen(Path launcher, String target, String grouping, String last) throws Exception {
    String session = grouping;
    int started = run("tmux", "-L", TMUX_SERVER, "new-session", "-d", "-s", session, "-x", "100", "-y", "30", "-e",
        "LANG=C.UTF-8", launcher + " console --connect " + target + " -n -N --group " + grouping + "; sleep 600");
    assertTrue(started == 0, "tmux new-session");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String screen = capture(session);
    // polls the screen (the console starts, connects, and draws the next publication)
    while (!(screen.contains("\n" + last + " ") && screen.contains("kubernetes: 4 pod")
        && !screen.contains("Press H or ? for help")) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      screen = capture(session);
    }
    run("tmux", "-L", TMUX_SERVER, "send-keys", "-t", session, "q");
    return screen;
  }

  private static String capture(String session) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("tmux", "-L", TMUX_SERVER, "capture-pane", "-p", "-t", session)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  private static int run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    return p.waitFor();
  }
}
