package io.clustertop.core.view;

import java.math.BigDecimal;

/**
 * What a row's traffic (or a whole view's) costs at the collector's prices: exact so far, and per
 * hour at the 10 s and 40 s rates (averages of averages, so doubles).
 */
public record Cost(BigDecimal soFar, double perHour10s, double perHour40s) {
  public static final Cost ZERO = new Cost(BigDecimal.ZERO, 0, 0);

  public Cost plus(Cost o) {
    return new Cost(soFar.add(o.soFar), perHour10s + o.perHour10s, perHour40s + o.perHour40s);
  }
}
