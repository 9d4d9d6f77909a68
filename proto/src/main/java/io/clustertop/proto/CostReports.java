package io.clustertop.proto;

import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.PricedBytes;
import java.math.BigDecimal;
import java.util.Comparator;

/**
 * The order of a cost report's lists, one for every writer of a report (the collector's history,
 * the relay's merge of its shards'): the costliest first, ties by key; prices likewise, ties by
 * class, then direction.
 */
public final class CostReports {
  public static final Comparator<CostLine> LINE_ORDER = Comparator
      .comparing((CostLine l) -> new BigDecimal(l.getCost())).reversed().thenComparing(CostLine::getKey);
  public static final Comparator<PricedBytes> PRICE_ORDER = Comparator
      .comparing((PricedBytes p) -> new BigDecimal(p.getCost())).reversed()
      .thenComparing(PricedBytes::getDestinationClass).thenComparing(PricedBytes::getDirection);

  private CostReports() {}
}
