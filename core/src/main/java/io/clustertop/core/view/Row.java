package io.clustertop.core.view;

import java.util.List;

/**
 * One line pair of the display: the left (local) side sent {@code sent} to the right side and
 * received {@code received} from it.
 *
 * @param protocol the IP protocol, or -1 where the view merges protocols (ports not shown)
 * @param conversations how many conversations (5-tuples) the row adds up
 * @param nodes in a cluster view, the nodes whose agents reported the row (sorted); empty in a local view
 * @param cost what the row's traffic costs (the collector's NODES, REMOTE_ADDRESSES, PORTS and
 *     DESTINATION_CLASSES views); null elsewhere
 */
public record Row(Endpoint left, Endpoint right, int protocol, Traffic sent, Traffic received, int conversations,
    List<String> nodes, Cost cost) {
  public Row(Endpoint left, Endpoint right, int protocol, Traffic sent, Traffic received, int conversations,
      List<String> nodes) {
    this(left, right, protocol, sent, received, conversations, nodes, null);
  }

  public Row(Endpoint left, Endpoint right, int protocol, Traffic sent, Traffic received, int conversations) {
    this(left, right, protocol, sent, received, conversations, List.of(), null);
  }

  public Traffic total() {
    return sent.plus(received);
  }

  /** Bytes per second both ways over {@code w}: the figure the rate orders sort by. */
  public double bytesPerSecond(Window w) {
    return sent.bytesPerSecond().get(w) + received.bytesPerSecond().get(w);
  }

  public RowKey key() {
    return new RowKey(left, right, protocol);
  }
}
