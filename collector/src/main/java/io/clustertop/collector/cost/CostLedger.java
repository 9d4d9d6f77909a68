package io.clustertop.collector.cost;

import io.clustertop.collector.merge.EpochFigures;
import io.clustertop.core.cost.CostParts;
import io.clustertop.core.cost.Direction;
import io.clustertop.core.cost.PriceId;
import io.clustertop.core.cost.Service;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.ServicePort;
import io.clustertop.core.rows.NameTable;
import io.clustertop.core.table.Conversations;
import java.util.HashMap;
import java.util.Map;

/**
 * Cumulative bytes of one node's traffic (some of its epochs), by class, direction and remote end,
 * and by class, direction and service: two dimensions of the same bytes, so each adds up to the same
 * total.
 *
 * <p>Which bytes, of which class and direction: core's {@link CostParts}, each byte once. A
 * conversation's service is its service port ({@link ServicePort}), not a client's ephemeral one.
 *
 * <p>Thread safety: none; derive it inside {@code ClusterFigures.read}, then hand it to one thread.
 */
public final class CostLedger {
  private final Map<LedgerKey, Long> byRemote = new HashMap<>();
  private final Map<LedgerKey, Long> byService = new HashMap<>();

  /** The ledger of {@code epochs}. Call inside {@code ClusterFigures.read}, with the agent held. */
  public static CostLedger of(Iterable<? extends EpochFigures> epochs, NameTable classNames, int unattributedClass) {
    CostLedger ledger = new CostLedger();
    for (EpochFigures e : epochs) {
      Conversations c = e.conversations();
      CostParts.visit(c, unattributedClass, (entry, priceId, bytes) -> {
        String costClass = classNames.name(PriceId.classId(priceId));
        Direction direction = PriceId.direction(priceId);
        if (entry < 0) {
          ledger.add(costClass, direction, LedgerKey.OTHER, LedgerKey.OTHER, bytes);
        } else {
          FlowKey k = c.key(entry);
          ledger.add(costClass, direction, k.remote().toString(), Service.of(k.protocol(), ServicePort.of(k)), bytes);
        }
      });
    }
    return ledger;
  }

  private void add(String costClass, Direction direction, String remote, String service, long bytes) {
    if (bytes != 0) {
      byRemote.merge(new LedgerKey(costClass, direction, remote), bytes, Long::sum);
      byService.merge(new LedgerKey(costClass, direction, service), bytes, Long::sum);
    }
  }

  /** What this ledger holds beyond {@code before}, key by key (negative where a key shrank: folded away). */
  public CostLedger minus(CostLedger before) {
    CostLedger d = new CostLedger();
    difference(byRemote, before.byRemote, d.byRemote);
    difference(byService, before.byService, d.byService);
    return d;
  }

  /** Adds another ledger's lines into this one. */
  public void addAll(CostLedger other) {
    other.byRemote.forEach((k, v) -> byRemote.merge(k, v, Long::sum));
    other.byService.forEach((k, v) -> byService.merge(k, v, Long::sum));
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

  /** Bytes by class, direction and remote address. */
  public Map<LedgerKey, Long> byRemote() {
    return byRemote;
  }

  /** Bytes by class, direction and service (service port and protocol). */
  public Map<LedgerKey, Long> byService() {
    return byService;
  }

  /** Sets one line, as a stored baseline is read back. */
  public void put(boolean service, LedgerKey key, long bytes) {
    (service ? byService : byRemote).put(key, bytes);
  }

  public boolean isEmpty() {
    return byRemote.isEmpty() && byService.isEmpty();
  }
}
