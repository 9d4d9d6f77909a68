package io.clustertop.launcher;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * The tests' name resolution: a name under {@code .invalid} (RFC 6761: it never exists) fails at
 * once, without a query leaving this machine; anything else goes to the system's resolver (the
 * tests use numeric addresses). Installed for every test of this module by
 * META-INF/services/java.net.spi.InetAddressResolverProvider.
 */
public final class InvalidNamesResolver extends InetAddressResolverProvider {
  @Override
  public InetAddressResolver get(Configuration configuration) {
    InetAddressResolver system = configuration.builtinResolver();
    return new InetAddressResolver() {
      @Override
      public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
        if (host.endsWith(".invalid")) {
          throw new UnknownHostException(host + ": no such host (tests answer .invalid names themselves)");
        }
        return system.lookupByName(host, policy);
      }

      @Override
      public String lookupByAddress(byte[] address) throws UnknownHostException {
        return system.lookupByAddress(address);
      }
    };
  }

  @Override
  public String name() {
    return "clustertop tests: .invalid names fail at once";
  }
}
