package io.clustertop.console.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.names.EndpointNames;
import io.clustertop.console.names.HostNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.console.remote.StatusText;
import io.clustertop.console.screen.BarScale;
import io.clustertop.console.screen.Glyphs;
import io.clustertop.console.screen.Overlay;
import io.clustertop.console.screen.ScreenLine;
import io.clustertop.console.screen.ScreenRenderer;
import io.clustertop.console.status.Attachment;
import io.clustertop.console.status.NodeSummary;
import io.clustertop.console.text.TextRenderer;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.NodeState;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.ViewOptions;
import io.grpc.Status;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Names from the network that try to hurt the terminal (an escape sequence that clears the screen
 * and retitles the window, a line break that forges a report line, a bidi override that shows a
 * name backwards) come out of the text and the full-screen renderers as visible escapes.
 */
class HostileNamesTest {
  private static final String CLEAR_AND_RETITLE = "n1\u001b[2J\u001b]0;owned\u0007";
  private static final String FORGED_LINE = "n2\nTotal send rate: 0b";
  private static final String BACKWARDS = "n3\u202egnp.exe";
  private static final CaptureCounters NO_COUNTERS = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  /** A reverse lookup answering with an escape sequence. */
  private static final HostNamer HOSTILE_DNS = address -> "evil\u001b[31m.example";

  private static Traffic traffic() {
    Rates r = new Rates(100, 100, 100);
    return new Traffic(1000, 10, r, new Rates(1, 1, 1), 100);
  }

  private static Snapshot snapshot() {
    Row pair = new Row(new Endpoint(IpAddress.parse("10.77.0.1"), Endpoint.NO_PORT, CLEAR_AND_RETITLE),
        new Endpoint(IpAddress.parse("203.0.113.1"), Endpoint.NO_PORT), -1, traffic(), traffic(), 1,
        List.of(CLEAR_AND_RETITLE, FORGED_LINE, BACKWARDS));
    Row byClass = new Row(new Endpoint(null, Endpoint.NO_PORT, FORGED_LINE),
        new Endpoint(null, Endpoint.NO_PORT).withDestinationClass("internet\u001b[2J"), -1, traffic(), traffic(), 1,
        List.of(FORGED_LINE));
    List<NodeState> nodes = List.of(
        new NodeState(CLEAR_AND_RETITLE, "", "a1", 1, 0, true, false, 0, NO_COUNTERS),
        new NodeState(FORGED_LINE, "", "a2", 1, 0, false, true, 3, NO_COUNTERS),
        new NodeState(BACKWARDS, "", "a3", 1, 0, true, false, 0, NO_COUNTERS));
    return new Snapshot(0, "src\u001b[2J", List.of(pair, byClass), null,
        new Totals(traffic().plus(traffic()), traffic().plus(traffic()), 400), NO_COUNTERS, 2, nodes);
  }

  private static void assertNoControl(String text, String what) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      int at = i;
      assertTrue(c >= 0x20 && c != 0x7F && !(c >= 0x80 && c < 0xA0) && Character.getType(c) != Character.FORMAT,
          () -> what + ": character " + (int) c + " at " + at + " of " + text);
    }
  }

  @Test
  void theTextModePrintsEveryNameEscapedAndForgesNoLine() {
    Snapshot s = snapshot();
    TextRenderer text = new TextRenderer(Units.BITS, HOSTILE_DNS, ServiceNamer.numeric());
    String report = text.listening(s.source()) + text.render(s);
    for (String line : report.lines().toList()) {
      assertNoControl(line, "text mode");
    }
    assertEquals(1, report.lines().filter(l -> l.startsWith("Total send rate:")).count(),
        () -> "the real line only; the forged one stays inside the names:\n" + report);
    assertTrue(report.contains("Listening on src\\x1b[2J"), report);
    assertTrue(report.contains("evil\\x1b[31m.example"), report);
    assertTrue(report.contains("Nodes: 3 nodes: 1 reporting, 2 stale (n1\\x1b[2J\\x1b]0;owned\\x07, n3\\u202egnp.exe)"), report);
    assertTrue(report.contains("1 restarted (n2\\x0aTotal send rate: 0b)"), report);
  }

  @Test
  void theFullScreenDrawsEveryNameEscaped() {
    Snapshot s = snapshot();
    EndpointNames names = new EndpointNames(HOSTILE_DNS, ServiceNamer.numeric());
    Overlay overlay = new Overlay(StatusText.describe(Status.INVALID_ARGUMENT.withDescription("no\u001b[2J")),
        NodeSummary.status(s.nodes()), -1, Attachment.COLLECTOR);
    List<ScreenLine> lines = new ScreenRenderer(Units.BITS, Glyphs.ASCII)
        .render(s, null, new DisplayState(ViewOptions.defaults(), true, false), names, BarScale.following(), overlay, 120, 24);
    StringBuilder screen = new StringBuilder();
    for (ScreenLine l : lines) {
      assertNoControl(l.text(), "full screen");
      screen.append(l.text()).append('\n');
    }
    assertTrue(screen.toString().contains("n1\\x1b[2J\\x1b]0;owned\\x07/evil\\x1b[31m"), screen::toString);
    assertTrue(screen.toString().contains("internet\\x1b[2J"), screen::toString);
    assertTrue(screen.toString().contains("INVALID_ARGUMENT (no\\x1b[2J)"), screen::toString);
  }

  @Test
  void printableEscapesAndCutsOnlyWhatItMust() {
    assertEquals("web-1.eu.example", Printable.of("web-1.eu.example"));
    assertEquals("ünïcödé-nöde", Printable.of("ünïcödé-nöde"));
    assertEquals("a\\x1bb\\x0a\\x7f\\x9b\\u202e\\u200b", Printable.of("a\u001bb\n\u007f\u009b\u202e\u200b"));
    String cut = Printable.of("x".repeat(1000));
    assertEquals("x".repeat(Printable.MAX_LENGTH) + "...", cut);
    assertEquals(null, Printable.of(null));
  }
}
