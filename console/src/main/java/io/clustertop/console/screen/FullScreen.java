package io.clustertop.console.screen;

import io.clustertop.console.terminal.Printable;
import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.names.EndpointNames;
import io.clustertop.console.names.Namers;
import io.clustertop.console.status.NodeSummary;
import io.clustertop.console.terminal.AnsiScreen;
import io.clustertop.console.terminal.Key;
import io.clustertop.console.terminal.KeyDecoder;
import io.clustertop.console.terminal.Terminal;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The full-screen display's loop, as JLine's TTop: wait for a key or the next tick (a fifth of a
 * second), take the feed's newest snapshot unless paused, draw the frame, and again until {@code
 * q}. Data flows one way: feed → snapshot → {@link ScreenRenderer} → {@link AnsiScreen}; keys change
 * only the {@link DisplayState} and what is asked of the feed.
 *
 * <p>Thread safety: runs on the caller's thread; the feed and the terminal hand over through their
 * own queues.
 */
public final class FullScreen {
  private static final long TICK_MILLIS = 200;
  /** iftop's {@code HELP_TIME}: how long a message stays. */
  private static final long MESSAGE_MILLIS = 2000;
  /** Rows asked for beyond what fits, so that scrolling a little does not ask the feed again. */
  private static final int LIMIT_STEP = 50;

  private final ViewFeed feed;
  private final DisplayState state;
  private final ScreenRenderer renderer;
  private final BarScale scale;
  private final Namers namers;
  private final Glyphs glyphs;
  private RowGrouping grouping = RowGrouping.HOST_PAIRS;
  private String node = "";
  private RowGrouping groupingBeforeNode;
  /** Drilled down (namespace, then workload): the names opened, outermost first, and the groupings they were rows of. */
  private final java.util.ArrayDeque<String> within = new java.util.ArrayDeque<>();
  private final java.util.ArrayDeque<RowGrouping> groupingsAbove = new java.util.ArrayDeque<>();
  private int selected;
  private Snapshot snapshot;
  /** {@link #snapshot}'s cost, row for row; null without one. */
  private ViewCost cost;
  private String message;
  private long messageUntil;
  /** The prompt of {@code l} or {@code f} while one is open, else null. */
  private LinePrompt prompt;
  private String screenFilter = "";
  /** The capture filter this screen set, shown on the status line; null until it sets one. */
  private String captureFilter;
  /** A capture filter change the feed has not answered yet, and the expression asked for. */
  private CompletableFuture<CaptureFilterAnswer> captureFilterChange;
  private String captureFilterAsked;
  private Predicate<Row> filter = ViewOptions.ALL_ROWS;

  public FullScreen(ViewFeed feed, DisplayState state, ScreenRenderer renderer, BarScale scale, Namers namers,
      Glyphs glyphs) {
    this.feed = feed;
    this.state = state;
    this.renderer = renderer;
    this.scale = scale;
    this.namers = namers;
    this.glyphs = glyphs;
  }

  /** The screen filter from {@code ~/.iftoprc}; a bad pattern is the caller's error to report. */
  public FullScreen screenFilter(String pattern) {
    applyFilter(pattern == null ? "" : pattern);
    return this;
  }

  /** Where to start: a grouping, and a node's own view through the collector ("" for the cluster). */
  public FullScreen view(RowGrouping startGrouping, String startNode) {
    grouping = startGrouping;
    node = startNode;
    groupingBeforeNode = startNode.isEmpty() ? null : RowGrouping.NODES;
    return this;
  }

  /** Runs until {@code q} (or Ctrl-C, or the end of input). */
  public void run(Terminal terminal) throws InterruptedException {
    AnsiScreen screen = new AnsiScreen(terminal.out());
    KeyDecoder keys = terminal.keys();
    int[] size = {24, 80};
    show("Press H or ? for help");
    while (!state.quit()) {
      if (terminal.takeResize()) {
        size = terminal.size();
        screen.clear();
      }
      update(size[0]);
      screen.draw(frame(size[0], size[1]));
      for (Key key = keys.next(TICK_MILLIS); key != null && !state.quit(); key = keys.next(0)) {
        handle(key);
      }
    }
  }

  /** Asks the feed for the view a screen of {@code height} lines shows, and takes what it has (package-private, as {@link #handle}). */
  void update(int height) {
    feed.watch(request(height));
    ViewFeed.Update update = feed.take();
    if (update != null && !state.paused()) {
      snapshot = update.snapshot();
      cost = update.cost();
      scale.follow(renderer.largestBar(snapshot, state));
      state.shown(snapshot.rows().stream().map(Row::key).toList());
      selected = Math.min(selected, Math.max(0, snapshot.rows().size() - 1));
    }
    takeCaptureFilterAnswer();
  }

  /** The lines of one frame, for the current state. */
  List<ScreenLine> frame(int height, int width) {
    EndpointNames names = namers.names(state.resolveHosts(), state.resolveServices());
    String top = prompt != null ? prompt.line()
        : System.currentTimeMillis() < messageUntil ? message : null;
    Overlay overlay = new Overlay(top, status(), choosing() ? selected : -1,
        feed.attachment());
    return renderer.render(snapshot, cost, state, names, scale, overlay, width, height);
  }

  private ViewRequest request(int height) {
    int wanted = height + state.scroll() + selected;
    int limit = (wanted / LIMIT_STEP + 1) * LIMIT_STEP;
    String inside = within.isEmpty() ? "" : within.peekLast();
    boolean podView = !groupingsAbove.isEmpty() && groupingsAbove.peekLast() == RowGrouping.PODS;
    return new ViewRequest(state.view().withLimit(limit).withFilter(filter), grouping, node, podView ? "" : inside,
        podView ? inside : "");
  }

  /** One key, as the loop hands it over (package-private: tests press keys without a terminal). */
  void handle(Key key) {
    if (prompt != null) {
      if (!prompt.key(key)) {
        prompt = null;
      }
      return;
    }
    switch (key.kind()) {
      case INTERRUPT -> state.apply('q');
      case ENTER -> openNode();
      case ESCAPE -> closeNode();
      case UP -> handle(Key.of('k'));
      case DOWN -> handle(Key.of('j'));
      case BACKSPACE -> { }
      case CHARACTER -> character(key.c());
    }
  }

  private void character(char c) {
    boolean choosingNode = choosing();
    switch (c) {
      case 'g' -> cycleGrouping();
      case 'l' -> prompt = new LinePrompt("Screen filter> ", screenFilter, this::applyFilter);
      case 'f' -> {
        String refusal = feed.attachment().captureFilterRefusal();
        if (refusal != null) { // known now: no prompt for a filter that could only be refused
          show("Net filter: " + refusal);
        } else {
          prompt = new LinePrompt("Net filter> ", captureFilter == null ? "" : captureFilter, this::changeCaptureFilter);
        }
      }
      case 'j' -> {
        if (choosingNode) {
          selected++;
          keepSelectionVisible();
        } else {
          state.apply(c);
        }
      }
      case 'k' -> {
        if (choosingNode) {
          selected = Math.max(0, selected - 1);
          keepSelectionVisible();
        } else {
          state.apply(c);
        }
      }
      default -> {
        String said = state.apply(c);
        if (said != null && !said.isEmpty()) {
          show(said);
        }
      }
    }
  }

  /** The rows are for choosing one with {@code j}/{@code k} and opening it with {@code enter}. */
  private boolean choosing() {
    return grouping == RowGrouping.NODES && node.isEmpty() || drillsDown();
  }

  /** {@code enter} opens the selected row's level below: a namespace's workloads, a workload's pods, a pod's conversations. */
  private boolean drillsDown() {
    return grouping.drillDown() != null;
  }

  private void keepSelectionVisible() {
    if (snapshot != null) {
      selected = Math.min(selected, Math.max(0, snapshot.rows().size() - 1));
    }
    if (selected < state.scroll()) {
      state.scroll(selected);
    }
  }

  private void cycleGrouping() {
    if (!feed.attachment().groups()) {
      show("Grouping: only a collector groups rows; here there are host pairs (p for ports)");
      return;
    }
    if (!node.isEmpty()) {
      show("Grouping: esc first, back to the cluster");
      return;
    }
    within.clear();
    groupingsAbove.clear();
    grouping = grouping.next(feed.offered());
    if (grouping == RowGrouping.HOST_PORT_PAIRS) {
      state.view(state.view().withPorts(PortDisplay.ON));
    } else if (grouping == RowGrouping.NODES) {
      state.view(state.view().withPorts(PortDisplay.OFF));
    }
    selected = 0;
    state.scroll(0);
    forgetSnapshot(); // the old rows are of another grouping
    show("Grouping: " + grouping.label());
  }

  /** Until the feed answers the new request: its rows and their cost are of another view. */
  private void forgetSnapshot() {
    snapshot = null;
    cost = null;
  }

  private void openNode() {
    if (drillsDown() && snapshot != null && !snapshot.rows().isEmpty()) {
      String chosen = snapshot.rows().get(Math.min(selected, snapshot.rows().size() - 1)).left().owner();
      if (chosen.isEmpty() || chosen.startsWith("(")) {
        show("enter opens a namespace, a workload or a pod; " + chosen + " has none below it");
        return;
      }
      within.addLast(chosen);
      groupingsAbove.addLast(grouping);
      grouping = grouping.drillDown();
      if (grouping == RowGrouping.HOST_PORT_PAIRS) {
        state.view(state.view().withPorts(PortDisplay.ON));
      }
      selected = 0;
      state.scroll(0);
      forgetSnapshot();
      show(grouping.label() + " in " + Printable.of(chosen) + " (esc: back)");
      return;
    }
    if (grouping != RowGrouping.NODES || !node.isEmpty() || snapshot == null || snapshot.rows().isEmpty()) {
      show("enter opens a node's view from the rows by node (g)");
      return;
    }
    Row row = snapshot.rows().get(Math.min(selected, snapshot.rows().size() - 1));
    String chosen = nodeOf(row);
    if (chosen.isEmpty()) {
      return;
    }
    node = chosen;
    groupingBeforeNode = grouping;
    grouping = RowGrouping.HOST_PAIRS;
    state.scroll(0);
    forgetSnapshot();
    show("Node " + node + " (esc: back to the cluster)");
  }

  private void closeNode() {
    if (!within.isEmpty()) {
      within.removeLast();
      if (grouping == RowGrouping.HOST_PORT_PAIRS) { // out of a pod's conversations
        state.view(state.view().withPorts(PortDisplay.OFF));
      }
      grouping = groupingsAbove.removeLast();
      selected = 0;
      state.scroll(0);
      forgetSnapshot();
      show(within.isEmpty() ? grouping.label() : grouping.label() + " in " + Printable.of(within.peekLast()));
      return;
    }
    if (node.isEmpty()) {
      return;
    }
    node = "";
    grouping = groupingBeforeNode;
    state.scroll(0);
    forgetSnapshot();
    show("Cluster");
  }

  private static String nodeOf(Row row) {
    if (!row.nodes().isEmpty()) {
      return row.nodes().getFirst();
    }
    Endpoint left = row.left();
    return left.hasNode() ? left.node() : "";
  }

  /** Asks the feed; the answer is shown when it comes (within a dispatch call locally, a round trip remotely). */
  private void changeCaptureFilter(String expression) {
    if (captureFilterChange != null) {
      show("Net filter: the last change has not been answered yet");
      return;
    }
    captureFilterAsked = expression;
    captureFilterChange = feed.changeCaptureFilter(expression).toCompletableFuture();
    show("Net filter: setting " + describeCaptureFilter(expression));
  }

  private void takeCaptureFilterAnswer() {
    if (captureFilterChange == null || !captureFilterChange.isDone()) {
      return;
    }
    CaptureFilterAnswer answer;
    try {
      answer = captureFilterChange.join();
    } catch (RuntimeException e) { // a feed's bug, not the user's: still one line, and the screen goes on
      answer = CaptureFilterAnswer.refused(String.valueOf(e.getCause() != null ? e.getCause() : e));
    }
    captureFilterChange = null;
    if (answer.applied()) {
      captureFilter = captureFilterAsked;
      show("Net filter: " + describeCaptureFilter(captureFilter));
    } else {
      show("Net filter: " + answer.reason());
    }
  }

  private static String describeCaptureFilter(String expression) {
    return expression.isEmpty() ? "none (every packet)" : "'" + expression + "'";
  }

  /** iftop's screen filter: a regular expression either side's displayed name must match. */
  private void applyFilter(String pattern) {
    if (pattern.isEmpty()) {
      screenFilter = "";
      filter = ViewOptions.ALL_ROWS;
      return;
    }
    Pattern regex;
    try {
      regex = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      show("Invalid regexp");
      return;
    }
    screenFilter = pattern;
    // Named now, not per row: a local feed filters on the capture's thread, which must not touch the namers.
    EndpointNames names = namers.names(state.resolveHosts(), state.resolveServices());
    filter = row -> {
      return matches(regex, names.label(row, row.left())) || matches(regex, names.label(row, row.right()));
    };
  }

  private static boolean matches(Pattern regex, String name) {
    return regex.matcher(name).find();
  }

  private void show(String text) {
    message = Printable.of(text); // answers and names from an agent or the collector among them
    messageUntil = System.currentTimeMillis() + MESSAGE_MILLIS;
  }

  /** What it is attached to, the view, the nodes, the capture filter set here, the screen filter, the connection; null for a quiet local capture. */
  private String status() {
    List<String> parts = new ArrayList<>();
    String connection = feed.connection();
    boolean cluster = snapshot != null && feed.attachment().cluster();
    if (connection != null) {
      parts.add(feed.name());
      if (!node.isEmpty() && snapshot != null && snapshot.nodes().stream().noneMatch(n -> n.node().equals(node))) {
        parts.add("no node " + Printable.of(node) + " here (esc: cluster)"); // the view names every node it shows
      } else if (cluster) {
        parts.add(node.isEmpty() ? "cluster, " + grouping.label()
            + (within.isEmpty() ? "" : " in " + Printable.of(within.peekLast()) + " (esc: back)")
            : "node " + Printable.of(node) + " (esc: cluster)");
        parts.add(NodeSummary.status(snapshot.nodes()));
        if (!feed.kubernetes().isEmpty()) {
          parts.add(Printable.of(feed.kubernetes()));
        }
        if (feed.relay() != null) {
          parts.add("relay: " + feed.relay());
        }
      } else if (snapshot != null && !snapshot.source().equals(feed.name())) {
        parts.add(Printable.of(snapshot.source()));
      }
    } else if (snapshot != null) {
      long dropped = snapshot.counters().droppedByKernel() + snapshot.counters().droppedByInterface();
      if (dropped > 0) {
        parts.add(feed.name() + ": " + dropped + " packets dropped by the capture: the figures are incomplete");
      }
    }
    if (captureFilter != null) {
      parts.add("capture filter " + describeCaptureFilter(captureFilter));
    }
    if (!screenFilter.isEmpty()) {
      parts.add("filter /" + screenFilter + "/");
    }
    if (state.paused()) {
      parts.add("paused");
    }
    if (connection != null) {
      parts.add(connection);
    }
    return parts.isEmpty() ? null : String.join(glyphs.separator, parts);
  }
}
