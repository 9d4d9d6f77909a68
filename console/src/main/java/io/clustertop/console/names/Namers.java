package io.clustertop.console.names;

import java.io.IOException;

/**
 * The namers a display switches between as {@code n} and {@code N} are pressed: numeric, or the
 * background reverse-DNS resolver and {@code /etc/services}, each made the first time it is asked
 * for and kept, so that switching back and forth keeps what was resolved.
 *
 * <p>Thread safety: for one display thread.
 */
public final class Namers implements AutoCloseable {
  private final HostNamer numeric = new NumericHostNamer();
  private ReverseDnsNamer reverseDns;
  private boolean noHostsFile;
  private ServiceNamer services;

  /** Reverse DNS when {@code resolve} (numeric if there is no /etc/hosts to start from, as with -n). */
  public HostNamer hosts(boolean resolve) {
    if (!resolve || noHostsFile) {
      return numeric;
    }
    if (reverseDns == null) {
      try {
        reverseDns = new ReverseDnsNamer(ReverseDnsNamer.SYSTEM_HOSTS);
      } catch (IOException e) {
        noHostsFile = true;
        return numeric;
      }
    }
    return reverseDns;
  }

  /** Names from /etc/services when {@code resolve} (numbers where there is none: minimal containers). */
  public ServiceNamer services(boolean resolve) {
    if (!resolve) {
      return ServiceNamer.numeric();
    }
    if (services == null) {
      try {
        services = ServiceNamer.load(ServiceNamer.SYSTEM_SERVICES);
      } catch (IOException e) {
        services = ServiceNamer.numeric();
      }
    }
    return services;
  }

  public EndpointNames names(boolean resolveHosts, boolean resolveServices) {
    return new EndpointNames(hosts(resolveHosts), services(resolveServices));
  }

  @Override
  public void close() {
    if (reverseDns != null) {
      reverseDns.close();
    }
  }
}
