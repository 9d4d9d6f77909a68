package io.clustertop.core.cost;

import io.clustertop.core.flow.ClusterShare;
import io.clustertop.core.table.ConversationStore;
import io.clustertop.core.table.ConversationTag;
import io.clustertop.core.table.Conversations;

/**
 * The one rule for which of a node's bytes are its cost, of which class and direction, each byte
 * once (docs/RATIONALE.md, "Egress cost"):
 * <ul>
 *   <li>what the node sent, always: INTERNAL to another node, else EGRESS;
 *   <li>what it received, only from outside the nodes (INGRESS): a node sender's agent counts its own;
 *   <li>what the agent or the collector folded into "other", only what the node sent, UNATTRIBUTED.
 * </ul>
 * The class comes from the conversation's tag (decided from the node's side, with the nodes known);
 * the direction from its cluster share. The collector's live views, its ledger (history, metrics)
 * and the figures it keeps of departed agents all read through here.
 */
public final class CostParts {
  private CostParts() {}

  /** The direction a conversation's sent bytes cross the cluster's edge. */
  public static Direction sent(ClusterShare share) {
    return share.countsReceived() ? Direction.EGRESS : Direction.INTERNAL;
  }

  /** Its received bytes are its node's cost (they came from outside the nodes). */
  public static boolean receivedCounts(ClusterShare share) {
    return share.countsReceived();
  }

  /** Told of each counted part. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * @param entry the conversation in the store, or -1 for "other"
     * @param priceId its class and direction ({@link PriceId})
     * @param bytes since the epoch began
     */
    void part(int entry, int priceId, long bytes);
  }

  /** Visits the counted parts of one agent epoch's conversations. */
  public static void visit(Conversations c, int unattributedClass, Visitor visitor) {
    for (int e = 0; e < c.size(); e++) {
      int tag = c.tag(e);
      ClusterShare share = ConversationTag.share(tag);
      int classId = ConversationTag.classId(tag);
      long sent = c.figures().cumulative(e, 0);
      if (sent != 0) {
        visitor.part(e, PriceId.of(classId, sent(share)), sent);
      }
      long received = c.figures().cumulative(e, 2);
      if (receivedCounts(share) && received != 0) {
        visitor.part(e, PriceId.of(classId, Direction.INGRESS), received);
      }
    }
    long otherSent = c.aggregates().cumulative(ConversationStore.OTHER, 0);
    if (otherSent != 0) {
      visitor.part(-1, PriceId.of(unattributedClass, Direction.EGRESS), otherSent);
    }
  }
}
