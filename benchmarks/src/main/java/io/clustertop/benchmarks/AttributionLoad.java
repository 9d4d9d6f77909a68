package io.clustertop.benchmarks;

import io.clustertop.agent.attribution.AttributionCounters;
import io.clustertop.agent.attribution.AttributionOptions;
import io.clustertop.agent.attribution.Attributor;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The attribution thread's CPU against the node's real /proc, driven as the agent drives it: each
 * second, the conversations new in that second are offered, and the thread refreshes once. The
 * sockets belong to bench/attribution.sh's two processes in two namespaces; their connections are
 * listed in a file, one {@code CLIENT_PORT} a line, new lines as connections are opened.
 *
 * <p>Prints the first refresh (every connection new, both ends: the worst case, an agent starting on
 * a busy node) and then, for SECONDS seconds, the refreshes with the churn's new connections.
 *
 * <pre>java -cp benchmarks.jar io.clustertop.benchmarks.AttributionLoad CONNECTIONS_FILE SECONDS</pre>
 */
public final class AttributionLoad {
  private static final IpAddress CLIENT = IpAddress.parse("10.77.250.1");
  private static final IpAddress SERVER = IpAddress.parse("10.77.250.2");
  private static final int SERVER_PORT = 9000;

  private AttributionLoad() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Path connections = Path.of(args[0]);
    int seconds = Integer.parseInt(args[1]);
    int read = 0;
    try (Attributor attributor = new Attributor(AttributionOptions.defaults())) {
      attributor.start();
      List<String> lines = Files.readAllLines(connections);
      read = lines.size();
      long started = System.nanoTime();
      AttributionCounters first = offerAndWait(attributor, lines, 0);
      System.out.printf("first refresh: %d conversations (both ends of %d connections), %d namespaces, %d sockets: "
              + "%.1f ms CPU, %.0f ms wall; %d attributed, %d unattributed%n",
          2 * lines.size(), lines.size(), first.namespaces(), first.sockets(), first.lastRefreshCpuNanos() / 1e6,
          (System.nanoTime() - started) / 1e6, first.attributed(), first.unattributed());

      long cpuBefore = first.refreshCpuNanos();
      long refreshesBefore = first.refreshes();
      long wallStart = System.nanoTime();
      long maxCpu = 0;
      int offered = 0;
      for (int s = 0; s < seconds; s++) {
        TimeUnit.SECONDS.sleep(1);
        List<String> now = Files.readAllLines(connections);
        List<String> fresh = now.subList(read, now.size());
        read = now.size();
        offered += 2 * fresh.size();
        AttributionCounters c = offerAndWait(attributor, fresh, attributor.counters().refreshes());
        maxCpu = Math.max(maxCpu, c.lastRefreshCpuNanos());
      }
      AttributionCounters last = attributor.counters();
      double wall = (System.nanoTime() - wallStart) / 1e9;
      long refreshes = last.refreshes() - refreshesBefore;
      double cpu = (last.refreshCpuNanos() - cpuBefore) / 1e9;
      System.out.printf("steady: %d s, %d new conversations (%.0f a second), %d sockets, %d refreshes: "
              + "%.1f ms CPU each on average, %.1f ms at most; the attribution thread used %.1f %% of one core%n",
          Math.round(wall), offered, offered / wall, last.sockets(), refreshes, refreshes == 0 ? 0 : 1e3 * cpu / refreshes,
          maxCpu / 1e6, 100 * cpu / wall);
      System.out.printf("totals: %d attributed, %d unattributed (%d ambiguous)%n", last.attributed(), last.unattributed(),
          last.ambiguous());
    }
  }

  /** Offers both ends of each connection and waits for the refresh that takes them (up to 30 s). */
  private static AttributionCounters offerAndWait(Attributor attributor, List<String> clientPorts, long refreshesBefore)
      throws InterruptedException {
    if (clientPorts.isEmpty()) {
      return attributor.counters();
    }
    FlowAccumulator flows = new FlowAccumulator(Math.max(16, 2 * clientPorts.size()));
    DecodedPacket p = new DecodedPacket();
    List<FlowKey> keys = new ArrayList<>();
    for (String line : clientPorts) {
      int port = Integer.parseInt(line.trim());
      keys.add(new FlowKey(CLIENT, SERVER, port, SERVER_PORT, 6));
      keys.add(new FlowKey(SERVER, CLIENT, SERVER_PORT, port, 6));
    }
    for (FlowKey k : keys) {
      flows.add(p.of(k, 100), Orientation.SENT);
    }
    attributor.offer(flows);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (attributor.counters().refreshes() == refreshesBefore && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(5);
    }
    return attributor.counters();
  }
}
