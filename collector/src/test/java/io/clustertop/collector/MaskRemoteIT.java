package io.clustertop.collector;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.history.HistoryOptions;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.privacy.RemoteMask;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --mask-remote} over real gRPC on 127.0.0.1, with /metrics and the history file: a public
 * remote address never appears in a watch snapshot (every grouping), on /metrics or in the history
 * file; a node's public address and private addresses stay; bytes, totals and cost classes are exact.
 *
 * <pre>
 *   a 10.0.0.1 --1000 B--> x 198.51.100.77 (public)     a --300 B--> c 203.0.113.5 (a node, public)
 *   a          --50 B---> p 10.9.9.9 (private)           c --20 B--> y 198.51.100.78 (public)
 * </pre>
 */
class MaskRemoteIT {
  private static final String A = "10.0.0.1";
  private static final String C = "203.0.113.5";
  private static final String X = "198.51.100.77";
  private static final String Y = "198.51.100.78";
  private static final String P = "10.9.9.9";
  private static final long NOW = T0 + SECOND;

  @TempDir
  Path dir;

  private final AtomicLong clock = new AtomicLong(NOW);
  private CollectorServer collector;
  private ManagedChannel channel;

  @AfterEach
  void stop() throws InterruptedException {
    Watches.close(channel, collector);
  }

  static Stream<RemoteMask> masks() {
    return Stream.of(RemoteMask.prefix(24, 48), RemoteMask.hash("a key of more than 16 bytes".getBytes()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("masks")
  void publicRemoteAddressesNeverAppearAndEveryFigureStaysExact(RemoteMask mask) throws Exception {
    Path history = dir.resolve("history.db");
    collector = new CollectorServer(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)),
        new CollectorOptions(IngestLimits.defaults(), CollectorOptions.DEFAULT_MAX_MESSAGE_BYTES,
            new InetSocketAddress("127.0.0.1", 0), false, CostConfig.defaults(),
            new HistoryOptions(history, Duration.ofDays(1), 1L << 30, 50)).withMask(mask),
        clock::get).start();
    channel = NettyChannelBuilder.forAddress("127.0.0.1", collector.port()).usePlaintext().build();
    TestAgent a = new TestAgent(channel);
    TestAgent c = new TestAgent(channel);
    a.hello(hello("a", 1, 1, A));
    c.hello(hello("c", 3, 1, C));
    a.assertApplied(1, a.send(batch(1, NOW, flow(A, X, 1000, 10, 400, 4), flow(A, C, 300, 3, 0, 0),
        flow(A, P, 50, 1, 0, 0))));
    c.assertApplied(1, c.send(batch(1, NOW, flow(C, A, 0, 0, 300, 3), flow(C, Y, 20, 1, 0, 0))));
    clock.set(T0 + 2 * SECOND + SlotClock.GRACE_NANOS);
    collector.flushHistory(clock.get());

    List<ViewSnapshot> views = new ArrayList<>();
    for (Grouping g : List.of(Grouping.HOST_PAIRS, Grouping.REMOTE_ADDRESSES, Grouping.NODES, Grouping.PORTS,
        Grouping.DESTINATION_CLASSES)) {
      views.add(watch(WatchRequest.newBuilder().setGrouping(g).setLimit(50).build()));
      views.add(watch(WatchRequest.newBuilder().setGrouping(g).setLimit(50).setNode("a").build()));
    }
    String metrics;
    try (HttpClient http = HttpClient.newHttpClient()) {
      metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + collector.metricsEndpoint().address().getPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    }
    collector.stop();
    java.io.ByteArrayOutputStream files = new java.io.ByteArrayOutputStream(); // the database and any journal
    try (Stream<Path> all = Files.list(dir)) {
      for (Path f : all.toList()) {
        files.writeBytes(Files.readAllBytes(f));
      }
    }
    byte[] file = files.toByteArray();

    for (String hidden : List.of(X, Y)) {
      for (ViewSnapshot v : views) {
        assertFalse(has(v.toByteArray(), hidden), hidden + " in " + v);
      }
      assertFalse(metrics.contains(hidden), hidden + " on /metrics");
      assertFalse(new String(file, StandardCharsets.ISO_8859_1).contains(hidden), hidden + " in the history file");
      assertFalse(contains(file, IpAddress.parse(hidden).bytes()), hidden + "'s bytes in the history file");
    }
    // The node's public address and the private one stay, in the views and the history.
    ViewSnapshot pairs = views.get(0);
    assertTrue(has(pairs.toByteArray(), C));
    assertTrue(has(pairs.toByteArray(), P));
    assertTrue(new String(file, StandardCharsets.ISO_8859_1).contains(P));
    // Each byte once, exact: 1000 + 300 + 50 + 20 sent; 400 received from outside (c's 300 counted once, by a).
    assertEquals(1370, pairs.getTotals().getSent().getBytes());
    assertEquals(400, pairs.getTotals().getReceived().getBytes());
    ViewSnapshot remotes = views.get(3); // a's own remote addresses
    List<Row> masked = remotes.getRowsList().stream()
        .filter(r -> !has(r.toByteArray(), C) && !has(r.toByteArray(), P)).toList();
    assertEquals(1, masked.size(), remotes.toString());
    assertEquals(1000, masked.getFirst().getSent().getBytes());
    if (mask.describe().startsWith("prefix")) {
      assertTrue(has(masked.getFirst().toByteArray(), "198.51.100.0"), masked.getFirst().toString());
    }
    // The classes were decided before masking: x and y are internet, c same- or unknown-zone, p private.
    assertTrue(metrics.lines().anyMatch(
        l -> l.equals("clustertop_cost_bytes_total{node=\"a\",class=\"internet\",direction=\"egress\"} 1000")), metrics);
    assertTrue(metrics.lines().anyMatch(
        l -> l.equals("clustertop_cost_bytes_total{node=\"c\",class=\"internet\",direction=\"egress\"} 20")), metrics);
    assertTrue(metrics.lines().anyMatch(
        l -> l.equals("clustertop_cost_bytes_total{node=\"a\",class=\"private\",direction=\"egress\"} 50")), metrics);
  }

  /** The address's 4 or 16 bytes somewhere in {@code bytes} (a message's, a file's). */
  private static boolean has(byte[] bytes, String address) {
    return contains(bytes, IpAddress.parse(address).bytes());
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** The first snapshot of a subscription: the one sent at once. */
  private ViewSnapshot watch(WatchRequest request) {
    return Watches.first(channel, request);
  }
}
