package io.clustertop.collector.cost;

import io.clustertop.core.cost.Direction;
import io.clustertop.core.cost.PriceList;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.window.RowSums;
import io.clustertop.core.window.SlotHistory;
import io.clustertop.proto.v1.Cost;
import java.math.BigDecimal;

/**
 * One row's cost as a live view shows it: exact so far, and per hour at the 10 s and 40 s rates.
 *
 * <p>Thread safety: none; one view build fills and reads it.
 */
public final class LiveCost {
  private BigDecimal soFar = BigDecimal.ZERO;
  private double perHour10s;
  private double perHour40s;

  /** Adds one part ({@link CostParts.Visitor}) as of {@code latestCompleted}, over {@code completedSlots}. */
  public void add(PriceList prices, String costClass, Direction direction, SlotHistory history, boolean sent,
      long latestCompleted, long completedSlots) {
    RowSums sums = new RowSums();
    history.addTo(sums, latestCompleted);
    Traffic t = sent ? sums.sent(completedSlots, false) : sums.received(completedSlots, false);
    soFar = soFar.add(prices.cost(costClass, direction, t.bytes()));
    perHour10s += prices.perHour(costClass, direction, t.bytesPerSecond().last10s());
    perHour40s += prices.perHour(costClass, direction, t.bytesPerSecond().last40s());
  }

  public void addAll(LiveCost o) {
    soFar = soFar.add(o.soFar);
    perHour10s += o.perHour10s;
    perHour40s += o.perHour40s;
  }

  public Cost toProto() {
    return Cost.newBuilder().setSoFar(soFar.stripTrailingZeros().toPlainString())
        .setPerHour10S(perHour10s).setPerHour40S(perHour40s).build();
  }
}
