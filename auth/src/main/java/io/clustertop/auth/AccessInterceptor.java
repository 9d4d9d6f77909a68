package io.clustertop.auth;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.lang.System.Logger.Level;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The gate of every clustertop server (collector, agent {@code --listen}): reads the caller's
 * verified client certificate from the TLS session, gives it its roles under the server's
 * {@link RolePolicy}, and lets the call through only if {@link Operation} says that role may make
 * it. A refused call ends at once with PERMISSION_DENIED and one line naming the missing role,
 * counted in {@link AuthMetrics}; an allowed one carries its {@link PeerIdentity} in the gRPC
 * {@link Context} for the service to read.
 *
 * <p>Calls without a client certificate (plaintext, or TLS without client authentication) have no
 * identity and pass as they always did.
 *
 * <p>Thread safety: safe; called on gRPC's threads.
 */
public final class AccessInterceptor implements ServerInterceptor {
  private static final System.Logger LOG = System.getLogger(AccessInterceptor.class.getName());
  /** Refusals are logged at most once a second; the others are counted into the next line. */
  private static final long LOG_EVERY_NANOS = 1_000_000_000L;

  private final RolePolicy policy;
  private final AuthMetrics metrics;
  private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
  private final AtomicLong unlogged = new AtomicLong();

  public AccessInterceptor(RolePolicy policy, AuthMetrics metrics) {
    this.policy = policy;
    this.metrics = metrics;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    PeerIdentity identity = identify(call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
    String method = call.getMethodDescriptor().getFullMethodName();
    Operation operation = Operation.ofMethod(method).orElse(null);
    String refusal = operation != null ? operation.refusal(identity)
        : identity == null ? null : method + " is not a clustertop operation: no role may call it";
    if (refusal != null) {
      refuse(operation, refusal);
      call.close(Status.PERMISSION_DENIED.withDescription(refusal), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(PeerIdentity.KEY, identity), call, headers, next);
  }

  /**
   * The same rule for a server that is not gRPC (the metrics endpoint): null if the TLS session's
   * client may do {@code operation}, else the refusal, counted and logged as a call's would be.
   */
  public String check(SSLSession session, Operation operation) {
    String refusal = operation.refusal(identify(session));
    if (refusal != null) {
      refuse(operation, refusal);
    }
    return refusal;
  }

  /** The identity of a TLS session's client, or null when it presented no certificate. */
  public PeerIdentity identify(SSLSession session) {
    if (session == null) {
      return null;
    }
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return null;
    }
    if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
      return null;
    }
    return policy.identify(CertificateNames.of(leaf));
  }

  private void refuse(Operation operation, String refusal) {
    metrics.refused(operation);
    long now = System.nanoTime();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_NANOS && lastLogged.compareAndSet(last, now)) {
      long others = unlogged.getAndSet(0);
      LOG.log(Level.WARNING, "refused: " + refusal + (others == 0 ? "" : " (and " + others + " more refused since)"));
    } else {
      unlogged.incrementAndGet();
    }
  }
}
