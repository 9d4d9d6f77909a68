package io.clustertop.console.screen;

import io.clustertop.core.view.ViewOptions;

/**
 * What the screen asks its feed for.
 *
 * @param view iftop's options, the screen filter and the frozen order among them
 * @param grouping how a collector groups the rows (a local capture and an agent have host pairs only)
 * @param node through the collector, only this node's traffic; empty for the whole cluster
 */
public record ViewRequest(ViewOptions view, RowGrouping grouping, String node) {}
