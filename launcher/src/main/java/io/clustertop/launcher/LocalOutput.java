package io.clustertop.launcher;

import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.agent.monitor.TickListener;
import io.clustertop.console.text.TextRenderer;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * iftop's text mode (and our JSON lines) for a local {@link Monitor}: a report every 2 seconds,
 * or one after {@code -s} seconds and then the end; always the final figures when the capture or
 * the file ends. In text mode it takes iftop's keys ({@link TextModeState}).
 */
final class LocalOutput implements TickListener, AutoCloseable {
  private final IftopSettings settings;
  private final Monitor monitor;
  private final SnapshotPrinter printer;
  private final TextModeState state;
  private final KeyReader keys;
  private boolean timedReportDone;

  LocalOutput(IftopSettings settings, Monitor monitor, String sourceName) {
    this.settings = settings;
    this.monitor = monitor;
    this.printer = new SnapshotPrinter(System.out, settings.units(), settings.json(), settings.resolveHosts(),
        settings.resolveServices());
    this.state = new TextModeState(settings.view(), settings.resolveHosts(), settings.resolveServices());
    state.display.view(state.display.view().withFilter(screenFilter(settings.screenFilter())));
    printer.say(TextRenderer.listening(sourceName));
    keys = settings.json() ? null : KeyReader.start(System.in);
  }

  @Override
  public void tick(MonitorView view) {
    boolean keyAsksForReport = applyKeys();
    if (settings.seconds() != null) {
      if (!timedReportDone && (view.elapsedMillis() >= settings.seconds() * 1000L || view.finished())) {
        print(view);
        timedReportDone = true;
        monitor.stop();
      }
      return;
    }
    if (view.finished() || keyAsksForReport || (view.slotClosed() && !state.display.paused())) {
      print(view);
    }
  }

  /** Applies queued keys; true if one asks for a report now. */
  private boolean applyKeys() {
    boolean report = false;
    for (Character key; keys != null && (key = keys.poll()) != null; ) {
      String message = state.apply(key);
      if (message == null) {
        continue;
      }
      System.out.print(message);
      if (state.display.quit()) {
        monitor.stop();
      }
      report = !state.display.paused();
    }
    printer.resolveHosts = state.display.resolveHosts();
    printer.resolveServices = state.display.resolveServices();
    return report;
  }

  private void print(MonitorView view) {
    Snapshot snapshot = view.snapshot(state.display.view());
    printer.print(snapshot);
    state.display.shown(snapshot.rows().stream().map(Row::key).toList());
  }

  /** iftop's screen filter: a regular expression either host's displayed name must match. */
  private Predicate<Row> screenFilter(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      return ViewOptions.ALL_ROWS;
    }
    Pattern regex;
    try {
      regex = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new UserError("invalid screen-filter '" + pattern + "': " + e.getDescription(), e);
    }
    return row -> matches(regex, row.left()) || matches(regex, row.right());
  }

  private boolean matches(Pattern regex, Endpoint endpoint) {
    return endpoint.hasHost() && regex.matcher(printer.hosts().name(endpoint.host())).find();
  }

  @Override
  public void close() {
    if (keys != null) {
      keys.close();
    }
    printer.close();
  }
}
