package io.clustertop.kubernetes;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The API connection and the tables, at one moment: what the status line shows and /metrics counts.
 *
 * @param resources one per watched kind, in a fixed order
 * @param apiErrors failed lists and watches fabric8 gave up on and started again (each is retried)
 * @param lastError the last of those, one line, or empty
 * @param pods pods known now
 * @param podAddresses pod addresses tracked (with their histories)
 * @param serviceAddresses Service addresses tracked
 * @param containers container ids tracked
 * @param nodes nodes known now
 * @param spansDropped old holders of an address dropped at the per-address bound
 * @param addressesRefused addresses not tracked at the address bound
 * @param containersRefused container ids not tracked at their bound
 */
public record MetadataStatus(List<ResourceState> resources, long apiErrors, String lastError, int pods,
    int podAddresses, int serviceAddresses, int containers, int nodes, long spansDropped, long addressesRefused,
    long containersRefused) {

  public MetadataStatus {
    resources = List.copyOf(resources);
  }

  /** Every kind listed once. */
  public boolean synced() {
    return resources.stream().allMatch(ResourceState::synced);
  }

  /** Every watch open now. */
  public boolean watching() {
    return resources.stream().allMatch(ResourceState::watching);
  }

  /**
   * One line for the status line: {@code kubernetes: 812 pods, 40 nodes}, or what is wrong: {@code
   * kubernetes: listing pods, nodes}, {@code kubernetes: watch lost (pods), reconnecting}, with the
   * API errors counted so far.
   */
  public String summary() {
    StringBuilder b = new StringBuilder("kubernetes: ");
    if (!synced()) {
      b.append("listing ").append(names(false, true));
    } else if (!watching()) {
      b.append("watch lost (").append(names(true, false)).append("), reconnecting");
    } else {
      b.append(pods).append(pods == 1 ? " pod, " : " pods, ").append(nodes).append(nodes == 1 ? " node" : " nodes");
    }
    if (apiErrors > 0) {
      b.append(", ").append(apiErrors).append(apiErrors == 1 ? " API error" : " API errors");
    }
    return b.toString();
  }

  private String names(boolean notWatching, boolean notSynced) {
    return resources.stream()
        .filter(r -> (notSynced && !r.synced()) || (notWatching && !r.watching()))
        .map(ResourceState::resource)
        .collect(Collectors.joining(", "));
  }
}
