package io.clustertop.core.cost;

/** Where a node runs, as its agent says: empty strings where it does not know. */
public record NodePlace(String zone, String region) {
  public static final NodePlace UNKNOWN = new NodePlace("", "");

  public boolean zoneKnown() {
    return !zone.isEmpty();
  }
}
