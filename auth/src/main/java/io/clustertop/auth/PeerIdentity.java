package io.clustertop.auth;

import io.grpc.Context;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who is on the other end of a call: the names of its verified client certificate and the roles
 * they hold under the server's {@link RolePolicy}. Only calls over mutual TLS have one; without TLS
 * (loopback, tests, the demo) there is no identity and a server behaves as it always did.
 *
 * <p>The {@link AccessInterceptor} puts it into the call's gRPC {@link Context}; a service reads it
 * with {@link #current()}.
 */
public record PeerIdentity(CertificateNames names, Set<Role> roles) {
  static final Context.Key<PeerIdentity> KEY = Context.key("clustertop-peer-identity");

  public PeerIdentity {
    roles = roles.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(roles));
  }

  /** The identity of the current call, or null when the call came without a client certificate. */
  public static PeerIdentity current() {
    return KEY.get();
  }

  public boolean holds(Role role) {
    return roles.contains(role);
  }

  /** "node web-1 (agent)", "CN=alice (console, operator)", "CN=x (no role)". */
  public String describe() {
    return names.describe() + " (" + (roles.isEmpty() ? "no role"
        : roles.stream().sorted().map(Role::label).collect(Collectors.joining(", "))) + ")";
  }
}
