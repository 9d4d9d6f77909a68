package io.clustertop.relay.merge;

import io.clustertop.core.view.Row;
import io.clustertop.core.view.SortOrder;
import io.clustertop.core.view.Window;
import io.clustertop.core.window.ConversationTable;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * How far the merged top rows can be from one collector's (docs/RATIONALE.md, "The relay"). A shard
 * that sent the K rows asked of it and an "other" row may have cut more into it; a row missing from its list
 * has at most its K-th row's figure there (in the order's figure), or, sorted by address, sorts after
 * its K-th row. So:
 * <ul>
 *   <li>no shard cut: exact;
 *   <li>sorted by a rate: a row's missing part is at most the sum of the K-th rates of the shards that
 *       cut and did not list it, so a row not shown has at most the sum over every shard that cut; the
 *       top rows are exact when every shown row was listed by every shard that cut, and every other
 *       row, its missing parts added, and that sum stay below the last row shown. Otherwise the bound
 *       is that sum. A row by node lives whole on its node's shard: a shard's unlisted rows sort after
 *       its K-th, so the rows by node are exact when the last shown sorts before (or is) the K-th of
 *       every shard that cut; the bound is the largest K-th rate otherwise;
 *   <li>sorted by address: exact when the last row shown sorts before the K-th row of every shard that
 *       cut (whatever a shard cut sorts after its K-th row), by host; no figure bounds it otherwise.
 * </ul>
 *
 * @param cut per shard, whether it cut rows
 * @param exact the shown rows, order and sorted figures are one collector's
 * @param bound when not exact and sorted by a rate: the most a row's sorted rate may be above what is shown
 */
record Exactness(boolean[] cut, boolean exact, double bound) {
  boolean cut(int shard) {
    return cut[shard];
  }

  /** The same shards, but rows that may miss parts no figure bounds (a filter each shard applies alone). */
  Exactness notExact() {
    return new Exactness(cut, false, 0);
  }

  /**
   * @param shardRows each shard's rows as it sent them, in order (empty for a shard not answering)
   * @param shardOther each shard's view has an "other" row (without one, it cut nothing)
   * @param shardNodes each shard's nodes
   * @param top the merged rows shown, in the request's order
   * @param rest the other merged rows, in no order
   */
  static Exactness of(SortOrder sort, boolean byNode, int limit, int shardLimit, List<List<Row>> shardRows,
      boolean[] shardOther, List<Set<String>> shardNodes, List<ViewMerge.Merged> top, List<ViewMerge.Merged> rest) {
    int shards = shardRows.size();
    boolean[] cut = new boolean[shards];
    boolean anyCut = false;
    for (int i = 0; i < shards; i++) {
      cut[i] = shardRows.get(i).size() >= shardLimit && shardOther[i];
      anyCut |= cut[i];
    }
    if (!anyCut) {
      return new Exactness(cut, true, 0);
    }
    boolean full = top.size() >= limit;
    Row last = full ? top.get(limit - 1).row : null;
    return switch (sort) {
      case SOURCE, DESTINATION -> {
        boolean exact = full && (last.left().hasHost() || last.right().hasHost())
            && beforeEveryCut(ConversationTable.order(sort), last, cut, shardRows);
        yield new Exactness(cut, exact, 0);
      }
      case LAST_2S, LAST_10S, LAST_40S -> {
        Window w = Window.valueOf(sort.name());
        double[] kth = new double[shards];
        double unseen = 0;
        for (int i = 0; i < shards; i++) {
          if (cut[i]) {
            List<Row> rows = shardRows.get(i);
            kth[i] = rows.get(rows.size() - 1).bytesPerSecond(w);
            unseen = byNode ? Math.max(unseen, kth[i]) : unseen + kth[i];
          }
        }
        // by node, a row a shard did not list sorts after its K-th there, where the whole row is
        boolean exact = full && (byNode ? beforeEveryCut(ConversationTable.order(sort), last, cut, shardRows)
            : unseen < last.bytesPerSecond(w));
        for (int r = 0; r < top.size() + rest.size() && exact; r++) {
          ViewMerge.Merged m = r < top.size() ? top.get(r) : rest.get(r - top.size());
          double missing = 0;
          for (int i = 0; i < shards; i++) {
            if (cut[i] && !m.shards[i] && (!byNode || shardNodes.get(i).contains(m.row.left().node()))) {
              missing += kth[i];
            }
          }
          exact = r < top.size() ? missing == 0 : m.row.bytesPerSecond(w) + missing < last.bytesPerSecond(w);
        }
        yield new Exactness(cut, exact, exact ? 0 : unseen);
      }
    };
  }

  /** {@code last} sorts before (or is) the K-th row of every shard that cut. */
  private static boolean beforeEveryCut(Comparator<Row> order, Row last, boolean[] cut, List<List<Row>> shardRows) {
    for (int i = 0; i < cut.length; i++) {
      List<Row> rows = shardRows.get(i);
      if (cut[i] && order.compare(last, rows.get(rows.size() - 1)) > 0) {
        return false;
      }
    }
    return true;
  }
}
