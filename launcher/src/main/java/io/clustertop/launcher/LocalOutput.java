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
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * iftop's text mode (and our JSON lines) for a local {@link Monitor}: a report every 2 seconds,
 * or one after {@code -s} seconds and then the end; always the final figures when the capture or
 * the file ends.
 */
final class LocalOutput implements TickListener, AutoCloseable {
  private final IftopSettings settings;
  private final Monitor monitor;
  private final PrintStream out = System.out;
  private final HostNamer hosts;
  private final Function<Snapshot, String> renderer;
  private final ViewOptions view;
  private boolean timedReportDone;

  LocalOutput(IftopSettings settings, Monitor monitor, String sourceName) {
    this.settings = settings;
    this.monitor = monitor;
    this.hosts = settings.resolveHosts() ? reverseDns() : new NumericHostNamer();
    ServiceNamer services = settings.resolveServices() ? services() : ServiceNamer.numeric();
    this.view = withScreenFilter(settings.view(), settings.screenFilter(), hosts);
    if (settings.json()) {
      JsonRenderer json = new JsonRenderer(hosts, services);
      this.renderer = json::render;
    } else {
      TextRenderer text = new TextRenderer(settings.units(), hosts, services);
      this.renderer = text::render;
      out.print(text.listening(sourceName));
    }
  }

  @Override
  public void tick(MonitorView view) {
    if (settings.seconds() != null) {
      if (timedReportDone) {
        return;
      }
      if (view.elapsedMillis() >= settings.seconds() * 1000L || view.finished()) {
        print(view);
        timedReportDone = true;
        monitor.stop();
      }
      return;
    }
    if (view.slotClosed() || view.finished()) {
      print(view);
    }
  }

  private void print(MonitorView view) {
    out.print(renderer.apply(view.snapshot(this.view)));
    if (settings.json()) {
      out.println();
    }
    out.flush();
  }

  /** iftop's screen filter: a regular expression either host's displayed name must match. */
  private static ViewOptions withScreenFilter(ViewOptions options, String pattern, HostNamer hosts) {
    if (pattern == null || pattern.isEmpty()) {
      return options;
    }
    Pattern regex;
    try {
      regex = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new UserError("invalid screen-filter '" + pattern + "': " + e.getDescription(), e);
    }
    return new ViewOptions(options.showSource(), options.showDestination(), options.ports(), options.sort(),
        options.limit(), row -> matches(regex, row.left(), hosts) || matches(regex, row.right(), hosts));
  }

  private static boolean matches(Pattern regex, Endpoint endpoint, HostNamer hosts) {
    return endpoint.hasHost() && regex.matcher(hosts.name(endpoint.host())).find();
  }

  private static HostNamer reverseDns() {
    try {
      return new ReverseDnsNamer(ReverseDnsNamer.SYSTEM_HOSTS);
    } catch (IOException e) {
      throw new UserError("cannot read " + ReverseDnsNamer.SYSTEM_HOSTS + ": " + e.getMessage(), e);
    }
  }

  private static ServiceNamer services() {
    try {
      return ServiceNamer.load(ServiceNamer.SYSTEM_SERVICES);
    } catch (IOException e) {
      return ServiceNamer.numeric(); // no /etc/services (minimal containers): numbers, as iftop shows then
    }
  }

  @Override
  public void close() {
    if (hosts instanceof AutoCloseable c) {
      try {
        c.close();
      } catch (Exception e) {
        // a resolver thread that would not stop: nothing counted depends on it
      }
    }
  }
}
