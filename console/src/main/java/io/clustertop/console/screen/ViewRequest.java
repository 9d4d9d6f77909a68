package io.clustertop.console.screen;

import io.clustertop.core.view.ViewOptions;

/**
 * What the screen asks its feed for.
 *
 * @param view iftop's options, the screen filter and the frozen order among them
 * @param grouping how a collector groups the rows (a local capture and an agent have host pairs only)
 * @param node through the collector, only this node's traffic; empty for the whole cluster
 * @param within rows by workload or pod: only those of this namespace or workload (a drill-down); "" for all
 * @param pod only this pod's conversations (its own view, {@code namespace/name}); "" for all
 */
public record ViewRequest(ViewOptions view, RowGrouping grouping, String node, String within, String pod) {
  public ViewRequest(ViewOptions view, RowGrouping grouping, String node) {
    this(view, grouping, node, "", "");
  }
}
