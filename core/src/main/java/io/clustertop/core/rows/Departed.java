package io.clustertop.core.rows;

import io.clustertop.core.flow.Volume;
import java.util.HashMap;
import java.util.Map;

/**
 * What agents that are gone counted, kept after their conversations are dropped so every view's
 * totals stay whole: a view puts it in its "other" (figures since the start only: by the time an
 * agent is dropped, its slots are older than any window). Each view takes the part it counts.
 *
 * @param node the agents' own totals (a node's own view, the NODES grouping)
 * @param share the cluster's share, each byte once, turned as host-pair views turn it
 * @param unturned the cluster's share as the node sees it (the class view)
 * @param costBytes bytes by price id: what their cost was made of
 */
public record Departed(Volume node, Volume share, Volume unturned, Map<Integer, Long> costBytes) {
  public static final Departed NONE = new Departed(Volume.ZERO, Volume.ZERO, Volume.ZERO, Map.of());

  public Departed {
    costBytes = Map.copyOf(costBytes);
  }

  public Departed plus(Departed o) {
    Map<Integer, Long> cost = new HashMap<>(costBytes);
    o.costBytes.forEach((p, b) -> cost.merge(p, b, Long::sum));
    return new Departed(node.plus(o.node), share.plus(o.share), unturned.plus(o.unturned), cost);
  }

  /** Without {@code o}'s figures (an agent back that brings them again itself). */
  public Departed minus(Departed o) {
    Map<Integer, Long> cost = new HashMap<>(costBytes);
    o.costBytes.forEach((p, b) -> cost.merge(p, -b, Long::sum));
    cost.values().removeIf(b -> b == 0);
    return new Departed(node.minus(o.node), share.minus(o.share), unturned.minus(o.unturned), cost);
  }

  public boolean isEmpty() {
    return node.isZero() && share.isZero() && unturned.isZero();
  }
}
