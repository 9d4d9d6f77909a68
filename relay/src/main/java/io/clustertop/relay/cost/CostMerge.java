package io.clustertop.relay.cost;

import io.clustertop.proto.CostReports;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.PricedBytes;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The shards' cost reports of one range made into one: each shard writes the history of its own
 * nodes, so lines of one key (a node's on one shard; a class's, a remote's, a service's on several)
 * add up, bytes as integers and costs as exact decimals (a cost is bytes times a price, so the sum of
 * the shards' is the cost of the sum); prices likewise by class, direction and price; the range from
 * the first minute any shard has to the last. Ordered as a collector orders its report.
 *
 * <p>Thread safety: stateless.
 */
public final class CostMerge {
  private CostMerge() {}

  /** @throws IllegalArgumentException shards that count in different currencies */
  public static CostReport merge(List<CostReport> reports) {
    String currency = "";
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    Map<String, CostLine.Builder> lines = new TreeMap<>();
    CostLine.Builder total = CostLine.newBuilder().setKey("total").setCost("0");
    Map<List<Object>, PricedBytes.Builder> prices = new TreeMap<>(Comparator.comparing(Object::toString));
    for (CostReport r : reports) {
      if (!r.getCurrency().isEmpty()) {
        if (!currency.isEmpty() && !currency.equals(r.getCurrency())) {
          throw new IllegalArgumentException("the shards count in " + currency + " and " + r.getCurrency()
              + ": give them the same prices");
        }
        currency = r.getCurrency();
      }
      if (r.getFirstMinuteUnixNanos() != 0 || r.getLastMinuteUnixNanos() != 0) {
        first = Math.min(first, r.getFirstMinuteUnixNanos());
        last = Math.max(last, r.getLastMinuteUnixNanos());
      }
      for (CostLine l : r.getLinesList()) {
        add(lines.computeIfAbsent(l.getKey(), k -> CostLine.newBuilder().setKey(k).setCost("0")), l);
      }
      add(total, r.getTotal());
      for (PricedBytes p : r.getPricesList()) {
        PricedBytes.Builder b = prices.computeIfAbsent(
            List.of(p.getDestinationClass(), p.getDirection(), p.getPricePerUnit(), p.getUnitBytes()),
            k -> p.toBuilder().setBytes(0).setCost("0"));
        b.setBytes(b.getBytes() + p.getBytes()).setCost(plus(b.getCost(), p.getCost()));
      }
    }
    List<CostLine> ordered = new ArrayList<>(lines.values().stream().map(CostLine.Builder::build).toList());
    ordered.sort(CostReports.LINE_ORDER);
    List<PricedBytes> priced = prices.values().stream().map(PricedBytes.Builder::build).sorted(CostReports.PRICE_ORDER)
        .toList();
    CostReport.Builder out = CostReport.newBuilder().setCurrency(currency).addAllLines(ordered)
        .setTotal(total).addAllPrices(priced);
    if (first != Long.MAX_VALUE) {
      out.setFirstMinuteUnixNanos(first).setLastMinuteUnixNanos(last);
    }
    return out.build();
  }

  private static void add(CostLine.Builder sum, CostLine l) {
    sum.setEgressBytes(sum.getEgressBytes() + l.getEgressBytes())
        .setIngressBytes(sum.getIngressBytes() + l.getIngressBytes())
        .setInternalBytes(sum.getInternalBytes() + l.getInternalBytes())
        .setCost(plus(sum.getCost(), l.getCost()));
  }

  /** Exact decimals as the collector writes them (no trailing zeros, no exponent). */
  private static String plus(String a, String b) {
    BigDecimal x = a.isEmpty() ? BigDecimal.ZERO : new BigDecimal(a);
    BigDecimal y = b.isEmpty() ? BigDecimal.ZERO : new BigDecimal(b);
    return x.add(y).stripTrailingZeros().toPlainString();
  }
}
