package io.clustertop.launcher;

import io.clustertop.agent.monitor.Monitor;
import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.agent.monitor.TickListener;
import io.clustertop.console.json.JsonRenderer;
import io.clustertop.console.names.HostNamer;
import io.clustertop.console.names.NumericHostNamer;
import io.clustertop.console.names.ReverseDnsNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.console.text.TextRenderer;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import java.io.IOException;
import java.io.PrintStream;
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
  private final PrintStream out = System.out;
  private final HostNamer numeric = new NumericHostNamer();
  private ReverseDnsNamer reverseDns;
  private ServiceNamer services;
  private final TextModeState state;
  private final KeyReader keys;
  private boolean timedReportDone;

  LocalOutput(IftopSettings settings, Monitor monitor, String sourceName) {
    this.settings = settings;
    this.monitor = monitor;
    this.state = new TextModeState(settings.view(), settings.resolveHosts(), settings.resolveServices());
    state.view = state.view.withFilter(screenFilter(settings.screenFilter()));
    if (settings.json()) {
      keys = null;
    } else {
      out.print(new TextRenderer(settings.units(), numeric, ServiceNamer.numeric()).listening(sourceName));
      keys = KeyReader.start(System.in);
    }
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
    if (view.finished() || keyAsksForReport || (view.slotClosed() && !state.paused)) {
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
      out.print(message);
      if (state.quit) {
        monitor.stop();
      }
      report = !state.paused;
    }
    return report;
  }

  private void print(MonitorView view) {
    Snapshot snapshot = view.snapshot(state.view);
    if (settings.json()) {
      out.println(new JsonRenderer(hosts(), services()).render(snapshot));
    } else {
      out.print(new TextRenderer(settings.units(), hosts(), services()).render(snapshot));
    }
    out.flush();
    state.lastOrder = snapshot.rows().stream().map(Row::key).toList();
  }

  private HostNamer hosts() {
    if (!state.resolveHosts) {
      return numeric;
    }
    if (reverseDns == null) {
      try {
        reverseDns = new ReverseDnsNamer(ReverseDnsNamer.SYSTEM_HOSTS);
      } catch (IOException e) {
        state.resolveHosts = false; // no /etc/hosts to start from: stay numeric, as with -n
        return numeric;
      }
    }
    return reverseDns;
  }

  private ServiceNamer services() {
    if (!state.resolveServices) {
      return ServiceNamer.numeric();
    }
    if (services == null) {
      try {
        services = ServiceNamer.load(ServiceNamer.SYSTEM_SERVICES);
      } catch (IOException e) {
        services = ServiceNamer.numeric(); // no /etc/services (minimal containers): numbers
      }
    }
    return services;
  }

  /** iftop's screen filter: a regular expression either host's displayed name must match. */
  private java.util.function.Predicate<Row> screenFilter(String pattern) {
    if (pattern == null || pattern.isEmpty()) {
      return row -> true;
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
    return endpoint.hasHost() && regex.matcher(hosts().name(endpoint.host())).find();
  }

  @Override
  public void close() {
    if (keys != null) {
      keys.close();
    }
    if (reverseDns != null) {
      reverseDns.close();
    }
  }
}
