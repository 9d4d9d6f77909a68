package io.clustertop.core.cost;

/**
 * What a network of the configuration stands for: a named class ({@code name}), or, for a cluster
 * network ({@code name} null), the sender's own zone.
 *
 * @param line where the file declared it, for error messages
 */
public record ConfiguredNetwork(String name, int line) {
  public boolean cluster() {
    return name == null;
  }
}
