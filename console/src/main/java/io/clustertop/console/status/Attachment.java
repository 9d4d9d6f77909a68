package io.clustertop.console.status;

import io.clustertop.proto.v1.ViewSnapshot;

/**
 * What a console is attached to, which decides what its keys can do and what it says: a capture
 * filter only where something captures, groupings and node views only where the nodes meet, and
 * "no nodes yet" only for a cluster. A local console knows from its source; a remote one learns it
 * from the snapshots (their {@code server}), so until the first one it is {@link #REMOTE}.
 */
public enum Attachment {
  /** A live interface on this host. */
  LOCAL_CAPTURE,
  /** A capture file read on this host. */
  LOCAL_FILE,
  /** An agent: its node's own capture. */
  AGENT,
  /** The collector: the cluster, or one node through it. */
  COLLECTOR,
  /** A relay: the cluster merged from several collectors, served as the collector serves it. */
  RELAY,
  /** An agent or the collector, not known yet (no snapshot so far, or a server that does not say). */
  REMOTE;

  /** What sent {@code snapshot}. */
  public static Attachment of(ViewSnapshot snapshot) {
    return switch (snapshot.getServer()) {
      case VIEW_SERVER_AGENT -> AGENT;
      case VIEW_SERVER_COLLECTOR -> COLLECTOR;
      case VIEW_SERVER_RELAY -> RELAY;
      default -> REMOTE;
    };
  }

  /** Where the capture filter may change: {@code f} prompts for one (an agent may still refuse). */
  public boolean mayChangeCaptureFilter() {
    return this == LOCAL_CAPTURE || this == AGENT || this == REMOTE;
  }

  /**
   * Why {@code f} does nothing here, said at the key press rather than after a prompt; null where
   * {@link #mayChangeCaptureFilter()}.
   */
  public String captureFilterRefusal() {
    return switch (this) {
      case LOCAL_FILE -> "a file has no capture to filter (tcpdump -r FILE -w OUT 'filter' filters the file)";
      case COLLECTOR -> "the collector does not capture; attach to an agent started with --allow-filter-change";
      case RELAY -> "the relay does not capture; attach to an agent started with --allow-filter-change";
      default -> null;
    };
  }

  /** Where rows group by node, class, remote or port, and a node's view opens: the collector (or a relay). */
  public boolean groups() {
    return this == COLLECTOR || this == RELAY || this == REMOTE;
  }

  /** A view of the cluster's nodes, which has a node line even before any node reports. */
  public boolean cluster() {
    return this == COLLECTOR || this == RELAY;
  }
}
