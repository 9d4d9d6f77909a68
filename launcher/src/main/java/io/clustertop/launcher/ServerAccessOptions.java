package io.clustertop.launcher;

import io.clustertop.auth.AccessInterceptor;
import io.clustertop.auth.AuthMetrics;
import io.clustertop.auth.Exposure;
import io.clustertop.auth.PolicyException;
import io.clustertop.auth.PolicyFile;
import io.clustertop.auth.RolePolicy;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Who may reach a server (the collector, an agent's {@code --listen}) and do what: roles from the
 * client certificates or from {@code --auth-policy}, and the rule that a server beyond loopback
 * needs mutual TLS unless {@code --insecure} says otherwise.
 */
final class ServerAccessOptions {
  private static final System.Logger LOG = System.getLogger(ServerAccessOptions.class.getName());

  @Option(names = "--auth-policy", paramLabel = "file",
      description = "Roles from this file (lines 'KIND:VALUE ROLE...', e.g. 'cn:alice console') instead of from the client certificates; needs mutual TLS.")
  Path policy;

  @Option(names = "--insecure",
      description = "Allow listening beyond loopback without mutual TLS: anyone who reaches the port could send for any node and watch every view.")
  boolean insecure;

  private AccessInterceptor interceptor;
  private AuthMetrics metrics;

  /**
   * Checks the options against the server's TLS once, before anything listens; a {@link UserError}
   * for a policy without mutual TLS or a bad policy file.
   */
  void check(TlsOptions tls) {
    if (policy != null && !tls.mutual()) {
      throw new UserError("--auth-policy needs mutual TLS (--tls-cert, --tls-key and --tls-ca): without client"
          + " certificates there is no identity to give roles to");
    }
    RolePolicy roles = RolePolicy.FROM_CERTIFICATES;
    if (policy != null) {
      try {
        roles = PolicyFile.read(policy);
      } catch (PolicyException e) {
        throw new UserError("--auth-policy " + e.getMessage(), e);
      }
    }
    metrics = new AuthMetrics(insecure, tls.files());
    interceptor = new AccessInterceptor(roles, metrics);
  }

  AccessInterceptor interceptor() {
    return interceptor;
  }

  AuthMetrics metrics() {
    return metrics;
  }

  /**
   * A server about to listen on {@code address}: beyond loopback without mutual TLS it is refused,
   * unless {@code --insecure}, and then said in the log (a warning).
   *
   * @param option the flag that named the address, for the message
   * @param who the command, for the message
   */
  void allowListening(String who, String option, InetSocketAddress address, boolean mutualTls) {
    Exposure exposure = address.getAddress() == null ? (mutualTls ? Exposure.MUTUAL_TLS : Exposure.OPEN)
        : Exposure.of(address.getAddress(), mutualTls);
    if (exposure != Exposure.OPEN) {
      return;
    }
    String where = option + " " + address.getHostString() + ":" + address.getPort();
    if (!insecure) {
      throw new UserError(where + " is beyond loopback without mutual TLS: anyone who reaches it could send for"
          + " any node and watch every view; give --tls-cert, --tls-key and --tls-ca (clustertop-certs makes"
          + " them), or --insecure to allow it");
    }
    LOG.log(System.Logger.Level.WARNING, "INSECURE (--insecure): the " + who + "'s " + where
        + " takes anyone who reaches it, without client certificates");
  }
}
