package io.clustertop.collector.cost;

import io.clustertop.collector.merge.AgentRecord;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.merge.EpochState;
import io.clustertop.core.cost.BuiltInClass;
import io.clustertop.core.cost.Classifier;
import io.clustertop.core.cost.Direction;
import io.clustertop.core.cost.NodePlace;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.window.SlotHistory;
import java.util.Map;

/**
 * The one place that decides which of a node's bytes are its cost, and of which class and direction,
 * with the each-byte-once rule of the merge (RATIONALE.md):
 * <ul>
 *   <li>what the node sent, always: INTERNAL to another node, else EGRESS;
 *   <li>what it received, only from outside the nodes (INGRESS): a node sender's agent counts its own;
 *   <li>what the agent or the collector folded into "other", only what the node sent, UNATTRIBUTED.
 * </ul>
 * The class is decided from the node's side, with the nodes known now. The ledger (history,
 * metrics) and the live views (rates, class rows) all read through here.
 */
public final class CostParts {
  private CostParts() {}

  /** Told of each counted part of a conversation. */
  @FunctionalInterface
  public interface Visitor {
    /**
     * @param key the node's conversation; null for the folded "other"
     * @param history the conversation's history; {@code sent} says which half is this part
     */
    void part(FlowKey key, String costClass, Direction direction, SlotHistory history, boolean sent);
  }

  /** Visits the counted parts of one epoch of {@code agent}. Call inside {@link MergeStore#read}. */
  public static void visit(MergeStore cluster, AgentRecord agent, EpochState epoch, Classifier classifier, Visitor visitor) {
    NodePlace place = agent.place();
    for (Map.Entry<FlowKey, SlotHistory> f : epoch.nodeFlows().entrySet()) {
      FlowKey k = f.getKey();
      SlotHistory h = f.getValue();
      NodePlace remoteNode = cluster.placeOf(k.remote());
      String costClass = classifier.classify(place, agent.addresses(), k.remote(), remoteNode);
      if (h.cumulativeSentBytes() != 0) {
        visitor.part(k, costClass, remoteNode == null ? Direction.EGRESS : Direction.INTERNAL, h, true);
      }
      if (remoteNode == null && h.cumulativeReceivedBytes() != 0) {
        visitor.part(k, costClass, Direction.INGRESS, h, false);
      }
    }
    if (epoch.nodeOther().cumulativeSentBytes() != 0) {
      visitor.part(null, BuiltInClass.UNATTRIBUTED.label(), Direction.EGRESS, epoch.nodeOther(), true);
    }
  }
}
