package io.clustertop.core.view;

/** iftop's three averages, per second: over the last 2, 10 and 40 seconds. */
public record Rates(double last2s, double last10s, double last40s) {
  public static final Rates ZERO = new Rates(0, 0, 0);

  public double get(Window window) {
    return switch (window) {
      case LAST_2S -> last2s;
      case LAST_10S -> last10s;
      case LAST_40S -> last40s;
    };
  }

  public Rates plus(Rates o) {
    return new Rates(last2s + o.last2s, last10s + o.last10s, last40s + o.last40s);
  }
}
