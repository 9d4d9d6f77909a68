package io.clustertop.collector.cost;

import io.clustertop.collector.merge.EpochFigures;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.core.cost.CostParts;
import io.clustertop.core.cost.Direction;
import io.clustertop.core.cost.PriceId;
import io.clustertop.core.cost.Service;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.ServicePort;
import io.clustertop.core.rows.Grouping;
import io.clustertop.core.rows.NameTable;
import io.clustertop.core.rows.Placements;
import io.clustertop.core.table.Conversations;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Cumulative bytes of one node's traffic (some of its epochs), by class, direction and one key per
 * {@link LedgerDimension}: the remote end, the service, the local end's namespace and workload. Each
 * dimension holds the same bytes, so each adds up to the same total.
 *
 * <p>Which bytes, of which class and direction: core's {@link CostParts}, each byte once. A
 * conversation's service is its service port ({@link ServicePort}), not a client's ephemeral one; its
 * namespace and workload are those of its placement, decided once by the collector's merge for the
 * views ({@code io.clustertop.collector.placement.Placer}) and read here, never decided again.
 *
 * <p>Thread safety: none; derive it inside {@code ClusterFigures.read}, then hand it to one thread.
 */
public final class CostLedger {
  private final Map<LedgerDimension, Map<LedgerKey, Long>> lines = new EnumMap<>(LedgerDimension.class);
  /**
   * False for a baseline read from a history written before ledgers had the placement dimensions:
   * it holds the remote and service lines only ({@link #minus}).
   */
  private boolean placed = true;

  public CostLedger() {
    for (LedgerDimension d : LedgerDimension.values()) {
      lines.put(d, new HashMap<>());
    }
  }

  /** The ledger of {@code epochs} of {@code cluster}. Call inside {@code ClusterFigures.read}, with the agent held. */
  public static CostLedger of(Iterable<? extends EpochFigures> epochs, MergeStore cluster) {
    NameTable classNames = cluster.classNames();
    Placements placements = cluster.placer().placements();
    CostLedger ledger = new CostLedger();
    for (EpochFigures e : epochs) {
      Conversations c = e.conversations();
      CostParts.visit(c, cluster.unattributedClass(), (entry, priceId, bytes) -> {
        String costClass = classNames.name(PriceId.classId(priceId));
        Direction direction = PriceId.direction(priceId);
        if (entry < 0) {
          ledger.add(costClass, direction, bytes, LedgerKey.OTHER, LedgerKey.OTHER, LedgerKey.OTHER, LedgerKey.OTHER);
        } else {
          FlowKey k = c.key(entry);
          int placement = c.placement(entry);
          ledger.add(costClass, direction, bytes, k.remote().toString(), Service.of(k.protocol(), ServicePort.of(k)),
              placements.name(placements.nameId(placement, Grouping.NAMESPACES)),
              placements.name(placements.nameId(placement, Grouping.WORKLOADS)));
        }
      });
    }
    return ledger;
  }

  /**
   * Bytes of {@code epochs} by class and direction alone (the key ""), the sum each dimension of
   * {@link #of} adds up to, without naming a remote, service or placement per conversation: what the
   * metrics page shows at every scrape. Call inside {@code ClusterFigures.read}, with the agent held.
   */
  public static Map<LedgerKey, Long> byClass(Iterable<? extends EpochFigures> epochs, MergeStore cluster) {
    NameTable classNames = cluster.classNames();
    Map<LedgerKey, Long> out = new HashMap<>();
    for (EpochFigures e : epochs) {
      CostParts.visit(e.conversations(), cluster.unattributedClass(), (entry, priceId, bytes) -> {
        if (bytes != 0) {
          out.merge(new LedgerKey(classNames.name(PriceId.classId(priceId)), PriceId.direction(priceId), ""), bytes,
              Long::sum);
        }
      });
    }
    return out;
  }

  /** @param keys one per dimension, in their order */
  private void add(String costClass, Direction direction, long bytes, String... keys) {
    if (bytes != 0) {
      for (LedgerDimension d : LedgerDimension.values()) {
        lines.get(d).merge(new LedgerKey(costClass, direction, keys[d.ordinal()]), bytes, Long::sum);
      }
    }
  }

  /**
   * What this ledger holds beyond {@code before}, key by key (negative where a key shrank: folded
   * away, or a conversation placed anew). Where {@code before} has no placement lines (a baseline
   * from an older history), what moved since it cannot be told apart by namespace or workload: it
   * is the remote lines' movement, under {@link LedgerKey#NOT_RECORDED}.
   */
  public CostLedger minus(CostLedger before) {
    CostLedger d = new CostLedger();
    d.placed = before.placed;
    for (LedgerDimension dimension : LedgerDimension.values()) {
      if (!dimension.byPlacement() || before.placed) {
        difference(lines.get(dimension), before.lines.get(dimension), d.lines.get(dimension));
      }
    }
    if (!before.placed) {
      Map<LedgerKey, Long> unplaced = new HashMap<>();
      d.lines.get(LedgerDimension.REMOTE).forEach((k, v) ->
          unplaced.merge(new LedgerKey(k.costClass(), k.direction(), LedgerKey.NOT_RECORDED), v, Long::sum));
      unplaced.values().removeIf(v -> v == 0);
      for (LedgerDimension dimension : LedgerDimension.values()) {
        if (dimension.byPlacement()) {
          d.lines.get(dimension).putAll(unplaced);
        }
      }
    }
    return d;
  }

  /** Adds another ledger's lines into this one. */
  public void addAll(CostLedger other) {
    other.lines.forEach((d, m) -> m.forEach((k, v) -> lines.get(d).merge(k, v, Long::sum)));
  }

  private static void difference(Map<LedgerKey, Long> now, Map<LedgerKey, Long> before, Map<LedgerKey, Long> into) {
    now.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d != 0) {
        into.put(k, d);
      }
    });
    before.forEach((k, v) -> {
      if (!now.containsKey(k) && v != 0) {
        into.put(k, -v);
      }
    });
  }

  /** Bytes by class, direction and the key of {@code dimension}. */
  public Map<LedgerKey, Long> lines(LedgerDimension dimension) {
    return lines.get(dimension);
  }

  /** Sets one line, as a stored baseline is read back. */
  public void put(LedgerDimension dimension, LedgerKey key, long bytes) {
    lines.get(dimension).put(key, bytes);
  }

  /**
   * False for a baseline from before the placement dimensions, and for what moved since one: its
   * placement lines are {@link LedgerKey#NOT_RECORDED}, not by namespace or workload.
   */
  public boolean placed() {
    return placed;
  }

  /** A stored baseline from before the placement dimensions: see {@link #minus}. */
  public void markUnplaced() {
    placed = false;
  }

  public boolean isEmpty() {
    return lines.values().stream().allMatch(Map::isEmpty);
  }
}
