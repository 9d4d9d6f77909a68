package io.clustertop.core.flow;

/**
 * A conversation as iftop keeps it underneath any aggregation: the local side (left on screen,
 * {@code =>} is what it sent), the remote side, their ports and the IP protocol.
 *
 * <p>Ports are 0 where the protocol has none or the packet was a later fragment.
 */
public record FlowKey(
    IpAddress local, IpAddress remote, int localPort, int remotePort, int protocol) {}
