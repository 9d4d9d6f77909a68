package io.clustertop.core.view;

/** What identifies a row in a view: its two endpoints as displayed and the protocol (-1 when merged). */
public record RowKey(Endpoint left, Endpoint right, int protocol) {}
