package io.clustertop.core.cost;

import java.math.BigDecimal;

/** What one unit (GB or GiB) of a class costs the sender (egress) and the receiver (ingress). */
public record Price(BigDecimal egress, BigDecimal ingress) {
  public static final Price FREE = new Price(BigDecimal.ZERO, BigDecimal.ZERO);

  public Price {
    if (egress.signum() < 0 || ingress.signum() < 0) {
      throw new IllegalArgumentException("a price is never negative");
    }
  }

  /** The price per unit a byte of {@code direction} pays. */
  public BigDecimal per(Direction direction) {
    return switch (direction) {
      case EGRESS -> egress;
      case INGRESS -> ingress;
      case INTERNAL -> egress.add(ingress);
    };
  }
}
