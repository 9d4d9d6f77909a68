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

    FakeFeed(Attachment attachment) {
      this.attachment = attachment;
    }

    @Override public void watch(ViewRequest request) { }
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
}
