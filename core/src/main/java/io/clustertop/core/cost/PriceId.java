package io.clustertop.core.cost;

/**
 * A destination class and a direction in one int: what a byte's price depends on. Bytes are kept
 * per price id where their cost must stay exact (a row may mix prices: its cost is, per price, its
 * bytes times the price).
 */
public final class PriceId {
  private static final Direction[] DIRECTIONS = Direction.values();

  private PriceId() {}

  public static int of(int classId, Direction direction) {
    return classId * DIRECTIONS.length + direction.ordinal();
  }

  public static int classId(int priceId) {
    return priceId / DIRECTIONS.length;
  }

  public static Direction direction(int priceId) {
    return DIRECTIONS[priceId % DIRECTIONS.length];
  }
}
