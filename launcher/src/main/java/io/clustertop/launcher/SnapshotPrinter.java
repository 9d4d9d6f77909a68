package io.clustertop.launcher;

import io.clustertop.console.cost.CostText;
import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.json.JsonRenderer;
import io.clustertop.console.names.HostNamer;
import io.clustertop.console.names.Namers;
import io.clustertop.console.status.Attachment;
import io.clustertop.console.status.RelaySummary;
import io.clustertop.console.text.TextRenderer;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.Snapshot;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.RelayStatus;
import io.clustertop.proto.v1.ViewSnapshot;
import java.io.PrintStream;

/**
 * Prints snapshots as iftop's text mode or as JSON lines, naming hosts and services as asked;
 * the same for a local capture and for a console attached to an agent or the collector.
 */
final class SnapshotPrinter implements AutoCloseable {
  private final PrintStream out;
  private final Units units;
  private final boolean json;
  private final Namers namers = new Namers();
  boolean resolveHosts;
  boolean resolveServices;

  SnapshotPrinter(PrintStream out, Units units, boolean json, boolean resolveHosts, boolean resolveServices) {
    this.out = out;
    this.units = units;
    this.json = json;
    this.resolveHosts = resolveHosts;
    this.resolveServices = resolveServices;
  }

  /**
   * A line of its own before or between the reports, in text mode ({@link TextRenderer#listening},
   * {@link TextRenderer#connecting}...); nothing for JSON, whose lines are reports only.
   */
  void say(String line) {
    if (!json) {
      out.print(line);
      out.flush();
    }
  }

  /** A local capture's snapshot. */
  void print(Snapshot snapshot) {
    print(snapshot, null, false, false, null);
  }

  /**
   * A view from an agent or the collector. With the collector's cost: in JSON always; in text, as
   * lines after iftop's report when {@code costText} (the report itself stays iftop's). A view of
   * the cluster has its {@code Nodes:} line, even with no nodes yet.
   */
  void print(ViewSnapshot view, boolean costText) {
    print(ViewWire.fromProto(view), ViewCost.of(view), costText, Attachment.of(view).cluster(),
        view.hasRelay() ? view.getRelay() : null);
  }

  private void print(Snapshot snapshot, ViewCost cost, boolean costText, boolean cluster, RelayStatus relay) {
    if (json) {
      out.println(new JsonRenderer(hosts(), namers.services(resolveServices)).render(snapshot, cost, relay));
    } else {
      out.print(new TextRenderer(units, hosts(), namers.services(resolveServices)).render(snapshot, cluster,
          relay == null ? null : RelaySummary.of(relay)));
      if (costText && cost != null) {
        out.print(CostText.render(cost));
      }
    }
    out.flush();
  }

  HostNamer hosts() {
    return namers.hosts(resolveHosts);
  }

  @Override
  public void close() {
    namers.close();
  }
}
