package io.clustertop.console.screen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.names.Namers;
import io.clustertop.console.status.Attachment;
import io.clustertop.console.terminal.Key;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.ViewOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The screen's keys against what it is attached to, without a terminal: keys pressed through
 * {@link FullScreen#handle}, snapshots taken with {@link FullScreen#update}, frames read as lines.
 * The feed is a fake that holds one snapshot and says what it is attached to; the real feeds are
 * tested against real servers in the launcher ({@code CaptureFilterFeedTest}) and in tmux.
 */
class FullScreenTest {
  private final Namers namers = new Namers();

  /** A feed attached to {@code attachment}, with a snapshot to hand out, that records filter changes. */
  private static final class FakeFeed implements ViewFeed {
    final Attachment attachment;
    Snapshot next;
    String filterAsked;
    ViewRequest asked;
    List<io.clustertop.proto.v1.Grouping> offered = List.of();
    String kubernetes = "";

    FakeFeed(Attachment attachment) {
      this.attachment = attachment;
    }

    @Override public void watch(ViewRequest request) {
      asked = request;
    }
    @Override public List<io.clustertop.proto.v1.Grouping> offered() { return offered; }
    @Override public String kubernetes() { return kubernetes; }
    @Override public Update take() {
      Snapshot s = next;
      next = null;
      return s == null ? null : new Update(s, null);
    }
    @Override public String name() { return "collector:7447"; }
    @Override public Attachment attachment() { return attachment; }
    @Override public String connection() { return attachment == Attachment.LOCAL_CAPTURE ? null : "connected"; }
    @Override public CompletionStage<CaptureFilterAnswer> changeCaptureFilter(String expression) {
      filterAsked = expression;
      return new CompletableFuture<>();
    }
    @Override public void close() { }
  }

  private FullScreen screen(ViewFeed feed) {
    return new FullScreen(feed, new DisplayState(ViewOptions.defaults(), false, false),
        new ScreenRenderer(Units.BITS, Glyphs.ASCII), BarScale.pinned(1e6), namers, Glyphs.ASCII);
  }

  private static List<String> text(FullScreen screen) {
    return screen.frame(24, 80).stream().map(l -> l.text().stripTrailing()).toList();
  }

  @AfterEach
  void closeNamers() {
    namers.close();
  }

  @Test
  void fOnTheCollectorSaysAtOnceThatItDoesNotCapture() {
    FakeFeed feed = new FakeFeed(Attachment.COLLECTOR);
    FullScreen screen = screen(feed);
    screen.handle(Key.of('f'));
    // at 80 columns the message is cut at the edge
    assertEquals(" Net filter: the collector does not capture; attach to an agent started with --a",
        text(screen).getFirst());
    screen.handle(Key.of('t')); // no prompt took the key: t changes the line display
    assertEquals(" One line per host", text(screen).getFirst());
    assertNull(feed.filterAsked);
  }

  @Test
  void fOnAFileSaysAtOnceThatThereIsNoCapture() {
    FakeFeed feed = new FakeFeed(Attachment.LOCAL_FILE);
    FullScreen screen = screen(feed);
    screen.handle(Key.of('f'));
    assertTrue(text(screen).getFirst().startsWith(" Net filter: a file has no capture to filter "), text(screen).getFirst());
    assertNull(feed.filterAsked);
  }

  /** The collector before any agent: the status line says that no node reports yet. */
  @Test
  void aClusterWithoutNodesSaysSoOnTheStatusLine() {
    FakeFeed feed = new FakeFeed(Attachment.COLLECTOR);
    feed.next = new Snapshot(0, "cluster", List.of(), null, new Totals(Traffic.ZERO, Traffic.ZERO, 0),
        new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 0, List.of());
    FullScreen screen = screen(feed);
    screen.update(24);
    assertEquals("collector:7447 | cluster, host pairs | no nodes reporting yet | connected", text(screen).get(19));
  }

  @Test
  void fWhereSomethingCapturesPromptsAndAsks() {
    for (Attachment attachment : List.of(Attachment.LOCAL_CAPTURE, Attachment.AGENT, Attachment.REMOTE)) {
      FakeFeed feed = new FakeFeed(attachment);
      FullScreen screen = screen(feed);
      screen.handle(Key.of('f'));
      assertEquals(" Net filter> _", text(screen).getFirst(), attachment.name());
      for (char c : "tcp".toCharArray()) {
        screen.handle(Key.of(c));
      }
      screen.handle(Key.of(Key.Kind.ENTER));
      assertEquals("tcp", feed.filterAsked, attachment.name());
      assertEquals(" Net filter: setting 'tcp'", text(screen).getFirst());
    }
  }

  /** A row that stands for {@code owner}, as the collector's rows by placement come. */
  private static io.clustertop.core.view.Row ownerRow(String owner) {
    return new io.clustertop.core.view.Row(io.clustertop.core.view.Endpoint.owner(owner).withNode("n1"),
        new io.clustertop.core.view.Endpoint(null, io.clustertop.core.view.Endpoint.NO_PORT), -1, Traffic.ZERO,
        Traffic.ZERO, 1, List.of("n1"));
  }

  private static Snapshot rows(String... owners) {
    return new Snapshot(0, "cluster", java.util.Arrays.stream(owners).map(FullScreenTest::ownerRow).toList(), null,
        new Totals(Traffic.ZERO, Traffic.ZERO, 0), new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 1,
        List.of(new io.clustertop.core.view.NodeState("n1", "", "01", 1, 0, false, false, 0,
            new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))));
  }

  /** g goes on past the usual groupings only to those the collector offers; enter drills down, esc comes back up. */
  @Test
  void gCyclesWhatTheCollectorOffersAndEnterDrillsDownToAPodsConversations() {
    FakeFeed feed = new FakeFeed(Attachment.COLLECTOR);
    FullScreen screen = screen(feed);
    List<RowGrouping> seen = new java.util.ArrayList<>();
    for (int i = 0; i < 7; i++) {
      screen.handle(Key.of('g'));
      screen.update(24);
      seen.add(feed.asked.grouping());
    }
    assertEquals(List.of(RowGrouping.HOST_PORT_PAIRS, RowGrouping.NODES, RowGrouping.REMOTE_ADDRESSES,
        RowGrouping.PORTS, RowGrouping.DESTINATION_CLASSES, RowGrouping.HOST_PAIRS, RowGrouping.HOST_PORT_PAIRS), seen);

    feed.offered = List.of(io.clustertop.proto.v1.Grouping.PROCESSES, io.clustertop.proto.v1.Grouping.NAMESPACES,
        io.clustertop.proto.v1.Grouping.WORKLOADS);
    feed.kubernetes = "kubernetes: 3 pods, 1 node";
    for (int i = 0; i < 6; i++) { // host:port pairs -> by node ... by class, by process, by namespace
      screen.handle(Key.of('g'));
    }
    screen.update(24);
    assertEquals(RowGrouping.NAMESPACES, feed.asked.grouping());
    feed.next = rows("etl", "shop");
    screen.update(24);
    assertEquals("collector:7447 | cluster, by namespace | 1 node: 1 reporting | kubernetes: 3 pods, 1 node | connected",
        screen.frame(24, 120).get(19).text().stripTrailing());
    screen.handle(Key.of('j'));
    screen.handle(Key.of(Key.Kind.ENTER)); // shop's workloads
    screen.update(24);
    assertEquals(new ViewRequest(feed.asked.view(), RowGrouping.WORKLOADS, "", "shop", ""), feed.asked);
    feed.next = rows("shop/StatefulSet/web");
    screen.update(24);
    screen.handle(Key.of(Key.Kind.ENTER)); // its pods
    screen.update(24);
    assertEquals(RowGrouping.PODS, feed.asked.grouping());
    assertEquals("shop/StatefulSet/web", feed.asked.within());
    feed.next = rows("shop/web-0");
    screen.update(24);
    screen.handle(Key.of(Key.Kind.ENTER)); // the pod's own conversations, with ports
    screen.update(24);
    assertEquals(RowGrouping.HOST_PORT_PAIRS, feed.asked.grouping());
    assertEquals("shop/web-0", feed.asked.pod());
    assertEquals("", feed.asked.within());
    screen.handle(Key.of(Key.Kind.ESCAPE));
    screen.update(24);
    assertEquals(RowGrouping.PODS, feed.asked.grouping());
    assertEquals("", feed.asked.pod());
    screen.handle(Key.of(Key.Kind.ESCAPE));
    screen.handle(Key.of(Key.Kind.ESCAPE));
    screen.update(24);
    assertEquals(new ViewRequest(feed.asked.view(), RowGrouping.NAMESPACES, "", "", ""), feed.asked);
  }
}
