package io.clustertop.agent.attribution;

import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.AttributionLookup;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.RowKey;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.core.table.Conversations;
import io.clustertop.core.window.ConversationTable;
import java.util.function.UnaryOperator;

/**
 * The node's conversations grouped by the local end's process or container: the agent's rows
 * {@code PROCESSES} and {@code CONTAINERS}. The left side is the owner ({@code command[pid]}, the
 * container's name or short id, {@code (host)} for processes in no container), with the local
 * port where the view shows source ports; the right side is the remote end as the view shows it
 * (hidden with iftop's {@code d}: one row per owner). Two more owners stand for what has no process:
 * {@code (unattributed)}, conversations no live socket carries, and {@code (attributing)}, those
 * not looked for yet (a second or two old): with the totals, the node's unattributed share.
 *
 * <p>An owner is the conversation's, so its whole history (the seconds before attribution found
 * it included) goes to its row. Conversations the table folded into its "other" by its limit are
 * in the "other" row, as in every view.
 */
public final class OwnerRows implements MonitorView.TableView {
  public static final String HOST = "(host)";
  public static final String UNATTRIBUTED = "(unattributed)";
  public static final String ATTRIBUTING = "(attributing)";
  private static final Endpoint NONE = new Endpoint(null, Endpoint.NO_PORT);

  /** What a row stands for. */
  public enum By { PROCESS, CONTAINER }

  private final AttributionLookup owners;
  private final By by;
  private final UnaryOperator<FlowKey> shown;

  public OwnerRows(AttributionLookup owners, By by) {
    this(owners, by, UnaryOperator.identity());
  }

  /** @param shown how a conversation's remote end is shown (core's {@code RemoteMask.onRemotes}) */
  public OwnerRows(AttributionLookup owners, By by, UnaryOperator<FlowKey> shown) {
    this.owners = owners;
    this.by = by;
    this.shown = shown;
  }

  @Override
  public Snapshot snapshot(ConversationTable table, ViewOptions options, String source, long timeMillis,
      CaptureCounters counters) {
    return table.walk(options, source, timeMillis, counters, k -> rowKey(k, options));
  }

  private RowKey rowKey(FlowKey k, ViewOptions options) {
    Endpoint left = new Endpoint(null, options.ports().showsSource() ? k.localPort() : Endpoint.NO_PORT, "", "",
        owner(owners.of(k)));
    Endpoint right = new Endpoint(options.showDestination() ? shown.apply(k).remote() : null,
        options.ports().showsDestination() ? k.remotePort() : Endpoint.NO_PORT);
    return new RowKey(left, right, options.ports() == PortDisplay.OFF ? -1 : k.protocol());
  }

  /** The label of a conversation's owner in this grouping. */
  String owner(Attribution a) {
    if (a == null) {
      return ATTRIBUTING;
    }
    if (!a.attributed()) {
      return UNATTRIBUTED;
    }
    return switch (by) {
      case PROCESS -> a.process().label();
      case CONTAINER -> a.process().inContainer() ? a.process().container().label() : HOST;
    };
  }
}
