package io.clustertop.core.view;

/** iftop's {@code -o}: by one of the averages (largest first) or by source or destination address. */
public enum SortOrder {
  LAST_2S,
  LAST_10S,
  LAST_40S,
  SOURCE,
  DESTINATION;

  /** Parses iftop's names: {@code 2s}, {@code 10s}, {@code 40s}, {@code source}, {@code destination}. */
  public static SortOrder parse(String text) {
    return switch (text) {
      case "2s" -> LAST_2S;
      case "10s" -> LAST_10S;
      case "40s" -> LAST_40S;
      case "source" -> SOURCE;
      case "destination" -> DESTINATION;
      default -> throw new IllegalArgumentException(
          "invalid sort order '" + text + "': use 2s, 10s, 40s, source or destination");
    };
  }
}
