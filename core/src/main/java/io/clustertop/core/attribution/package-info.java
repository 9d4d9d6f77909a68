/**
 * Who on a node carries a conversation: the local end's process and, through its cgroup, its
 * container. The agent finds them (agent's {@code attribution} package, from /proc); this package
 * holds only the values, which the wire ({@code FlowWire}) and the views share.
 */
package io.clustertop.core.attribution;
