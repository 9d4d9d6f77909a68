package io.clustertop.console.names;

import io.clustertop.core.flow.IpAddress;

/**
 * Turns an address into the name a display shows: the numeric form, or a host name.
 *
 * <p>A renderer calls this for every endpoint of every frame, so an implementation must answer at
 * once and never block on the network: one that looks names up answers with the numeric form
 * until the name is known, as iftop does.
 */
@FunctionalInterface
public interface HostNamer {
  /** The name to show for {@code address}; never null. */
  String name(IpAddress address);
}
