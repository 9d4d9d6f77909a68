package io.clustertop.launcher;

import io.clustertop.console.cost.CostText;
import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.json.JsonRenderer;
import io.clustertop.console.names.HostNamer;
import io.clustertop.console.names.NumericHostNamer;
import io.clustertop.console.names.ReverseDnsNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.console.text.TextRenderer;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.Snapshot;
import java.io.IOException;
import java.io.PrintStream;

/**
 * Prints snapshots as iftop's text mode or as JSON lines, naming hosts and services as asked;
 * the same for a local capture and for a console attached to an agent or the collector.
 */
final class SnapshotPrinter implements AutoCloseable {
  private final PrintStream out;
  private final Units units;
  private final boolean json;
  private final HostNamer numeric = new NumericHostNamer();
  private ReverseDnsNamer reverseDns;
  private ServiceNamer services;
  boolean resolveHosts;
  boolean resolveServices;

  SnapshotPrinter(PrintStream out, Units units, boolean json, boolean resolveHosts, boolean resolveServices) {
    this.out = out;
    this.units = units;
    this.json = json;
    this.resolveHosts = resolveHosts;
    this.resolveServices = resolveServices;
  }

  /** iftop's first line in text mode; nothing for JSON. */
  void listening(String source) {
    if (!json) {
      out.print(new TextRenderer(units, numeric, ServiceNamer.numeric()).listening(source));
      out.flush();
    }
  }

  void print(Snapshot snapshot) {
    print(snapshot, null, false);
  }

  /**
   * With the collector's cost ({@code cost}, null for none): in JSON always; in text, as lines after
   * iftop's report when {@code costText} (the report itself stays iftop's).
   */
  void print(Snapshot snapshot, ViewCost cost, boolean costText) {
    if (json) {
      out.println(new JsonRenderer(hosts(), services()).render(snapshot, cost));
    } else {
      out.print(new TextRenderer(units, hosts(), services()).render(snapshot));
      if (costText && cost != null) {
        out.print(CostText.render(cost));
      }
    }
    out.flush();
  }

  HostNamer hosts() {
    if (!resolveHosts) {
      return numeric;
    }
    if (reverseDns == null) {
      try {
        reverseDns = new ReverseDnsNamer(ReverseDnsNamer.SYSTEM_HOSTS);
      } catch (IOException e) {
        resolveHosts = false; // no /etc/hosts to start from: stay numeric, as with -n
        return numeric;
      }
    }
    return reverseDns;
  }

  private ServiceNamer services() {
    if (!resolveServices) {
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

  @Override
  public void close() {
    if (reverseDns != null) {
      reverseDns.close();
    }
  }
}
