package io.clustertop.core.cost;

import java.math.BigDecimal;
import java.util.Map;

/**
 * Prices per class, in one currency, per unit of {@code unitBytes} (10^9 for GB, 2^30 for GiB).
 * Costs are exact: bytes × price / unit is a terminating decimal for both units (2^30 divides a
 * power of ten), so {@link BigDecimal} division never rounds.
 *
 * @param prices by class name; a class without an entry is free
 */
public record PriceList(String currency, long unitBytes, Map<String, Price> prices) {
  public static final long GB = 1_000_000_000L;
  public static final long GIB = 1L << 30;

  public PriceList {
    prices = Map.copyOf(prices);
  }

  public Price of(String costClass) {
    return prices.getOrDefault(costClass, Price.FREE);
  }

  /** The exact cost of {@code bytes} of {@code costClass} crossing the edge {@code direction}-wise. */
  public BigDecimal cost(String costClass, Direction direction, long bytes) {
    return of(costClass).per(direction).multiply(BigDecimal.valueOf(bytes))
        .divide(BigDecimal.valueOf(unitBytes))
        .stripTrailingZeros();
  }

  /** The cost per hour of a steady {@code bytesPerSecond}: for live rates, where a double is enough. */
  public double perHour(String costClass, Direction direction, double bytesPerSecond) {
    return of(costClass).per(direction).doubleValue() * bytesPerSecond * 3600 / unitBytes;
  }

  /** "GB" or "GiB", as the file says it. */
  public String unitName() {
    return unitName(unitBytes);
  }

  /** The unit of {@code unitBytes} ({@link #GB} or {@link #GIB}) by its name. */
  public static String unitName(long unitBytes) {
    return unitBytes == GIB ? "GiB" : "GB";
  }
}
