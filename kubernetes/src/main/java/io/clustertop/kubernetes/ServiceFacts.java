package io.clustertop.kubernetes;

import io.clustertop.core.flow.IpAddress;
import java.util.List;

/**
 * A Service's virtual addresses ({@code spec.clusterIPs}; none for a headless or ExternalName one).
 *
 * @param since when it got them (its creation, ns since the epoch; or when first seen)
 */
public record ServiceFacts(String uid, String namespace, String name, List<IpAddress> clusterIps, long since) {
  public ServiceFacts {
    clusterIps = List.copyOf(clusterIps);
  }
}
