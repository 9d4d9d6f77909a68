package io.clustertop.core.rows;

/**
 * Who a conversation's local end is, as the owner of the views decided it once for the conversation
 * (at the time of its first bytes, and again when attribution names its process): its process and
 * container on its node, and where Kubernetes is read, its pod, the pod's namespace and workload,
 * and the Service its remote end was. Each part is a row's name in the grouping of that part; what
 * is not known is named for why ({@link #ATTRIBUTING}, {@link #NO_POD} ...), never guessed.
 *
 * @param workload the workload's name with its namespace, {@code namespace/Kind/name}
 * @param pod the pod's name with its namespace, {@code namespace/name}
 * @param service the Service with its namespace, {@code namespace/name}
 */
public record Placement(String process, String container, String namespace, String workload, String pod,
    String service) {
  /** Not looked for yet (the agent attributes a new conversation within a second or two), or never (a replay). */
  public static final String ATTRIBUTING = "(attributing)";
  /** Looked for: no live socket on the node carries it. */
  public static final String UNATTRIBUTED = "(unattributed)";
  /** A process in no container; a local end on the node's own address that no pod holds. */
  public static final String HOST = "(host)";
  /** A local end on an address no pod held at the time (and not the node's). */
  public static final String NO_POD = "(no pod)";
  /** A remote end that was no Service's ClusterIP at the time. */
  public static final String NO_SERVICE = "(no service)";

  /** What a conversation is before anything is known of it. */
  public static final Placement UNKNOWN = new Placement(ATTRIBUTING, ATTRIBUTING, NO_POD, NO_POD, NO_POD, NO_SERVICE);

  /** The part of it that {@code grouping}'s rows stand for. */
  public String part(Grouping grouping) {
    return switch (grouping) {
      case PROCESSES -> process;
      case CONTAINERS -> container;
      case NAMESPACES -> namespace;
      case WORKLOADS -> workload;
      case PODS -> pod;
      case SERVICES -> service;
      default -> throw new IllegalArgumentException(grouping + " is not a grouping by placement");
    };
  }

  /**
   * The part one level up that a row of {@code grouping} lies within, for a drill-down: a workload's
   * namespace, a pod's workload; "" for the others.
   */
  public String parent(Grouping grouping) {
    return switch (grouping) {
      case WORKLOADS -> namespace;
      case PODS -> workload;
      default -> "";
    };
  }
}
