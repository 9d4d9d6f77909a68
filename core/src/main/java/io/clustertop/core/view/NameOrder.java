package io.clustertop.core.view;

import java.util.Comparator;

/**
 * The last tie-break of every order of rows: rows equal in every figure and address (rows without
 * hosts: nodes, destination classes, placements) go by the names they stand for: the owner (a
 * process, container, namespace, workload, pod or Service), then the destination class, then the
 * node; none ("" or null) first. The collector's cut reads the names from its frame's labels
 * ({@code RowOrder}), the relay and the agent's table from rows ({@code ConversationTable.order}):
 * both through {@link #compare}, so a collector and the relay over collectors order tied rows alike,
 * whatever ids each collector gave the names.
 */
public final class NameOrder {
  /** Rows by their names: the owner and node of the left side, the destination class of the right. */
  public static final Comparator<Row> ROWS = (a, b) -> compare(a.left().owner(), a.right().destinationClass(),
      a.left().node(), b.left().owner(), b.right().destinationClass(), b.left().node());

  private NameOrder() {}

  /** Owner, then destination class, then node; none first. */
  public static int compare(String ownerA, String classA, String nodeA, String ownerB, String classB, String nodeB) {
    int c = compare(ownerA, ownerB);
    if (c == 0) {
      c = compare(classA, classB);
    }
    return c != 0 ? c : compare(nodeA, nodeB);
  }

  private static int compare(String a, String b) {
    return (a == null ? "" : a).compareTo(b == null ? "" : b);
  }
}
