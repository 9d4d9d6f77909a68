/**
 * The views consoles watch, kept up to date by the merge as batches arrive (core's
 * {@code io.clustertop.core.rows}): one per grouping, node and what it hides, built when its first
 * subscriber comes, dropped when its last one goes ({@link io.clustertop.collector.view.ViewRegistry}).
 */
package io.clustertop.collector.view;
