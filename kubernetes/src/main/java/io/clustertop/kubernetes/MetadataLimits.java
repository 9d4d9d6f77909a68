package io.clustertop.kubernetes;

import java.time.Duration;

/**
 * The bounds of what the collector keeps from the API server; each is a flag of
 * {@code clustertop collector}, and what each refuses or drops is counted in {@link MetadataStatus}.
 *
 * @param maxAddresses addresses tracked per table (pod addresses, Service addresses); a new address
 *     past it is not tracked
 * @param spansPerAddress holders kept per address (the current one and those before it); the oldest go
 * @param maxContainers container ids tracked; a new one past it is not tracked
 * @param retention how long an ended holder (a deleted pod, a reused address) is still answered for:
 *     longer than an agent buffers batches while the collector is away (600 s by default) plus the
 *     40 s of slots it holds, so a late batch still finds the pod that held the address
 */
public record MetadataLimits(int maxAddresses, int spansPerAddress, int maxContainers, Duration retention) {
  public static final int DEFAULT_MAX_ADDRESSES = 500_000;
  public static final int DEFAULT_SPANS_PER_ADDRESS = 8;
  public static final int DEFAULT_MAX_CONTAINERS = 1_000_000;
  public static final Duration DEFAULT_RETENTION = Duration.ofMinutes(15);

  public MetadataLimits {
    if (maxAddresses < 1 || spansPerAddress < 1 || maxContainers < 1 || retention.isNegative()) {
      throw new IllegalArgumentException("limits must be at least 1, the retention not negative");
    }
  }

  public static MetadataLimits defaults() {
    return new MetadataLimits(DEFAULT_MAX_ADDRESSES, DEFAULT_SPANS_PER_ADDRESS, DEFAULT_MAX_CONTAINERS, DEFAULT_RETENTION);
  }
}
