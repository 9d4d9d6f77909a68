package io.clustertop.collector.peer;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who a call comes from, for the limits counted per peer, put into each call's context by this
 * interceptor. Two keys:
 * <ul>
 *   <li>{@link #identity()}, for watch streams per console: the subject of the call's verified client
 *       certificate under mutual TLS, else its address (without the port: each connection has its own);
 *   <li>{@link #endpoint()}, for Hellos per minute: the subject and the address together, since a
 *       DaemonSet's agents may share one certificate ({@code clustertop://node/*}) and must not share
 *       one budget of Hellos when the whole cluster restarts.
 * </ul>
 */
public final class PeerKey implements ServerInterceptor {
  private static final Context.Key<String> IDENTITY = Context.key("clustertop-peer-identity-key");
  private static final Context.Key<String> ENDPOINT = Context.key("clustertop-peer-endpoint-key");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    String address = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) instanceof InetSocketAddress a
        ? "address " + a.getAddress().getHostAddress() : "unknown address";
    String subject = subject(call);
    Context context = Context.current()
        .withValue(IDENTITY, subject == null ? address : subject)
        .withValue(ENDPOINT, subject == null ? address : subject + " from " + address);
    return Contexts.interceptCall(context, call, headers, next);
  }

  /** The subject of the call's verified client certificate, or null. */
  private static String subject(ServerCall<?, ?> call) {
    SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (tls != null) {
      try {
        return "certificate " + tls.getPeerPrincipal().getName();
      } catch (SSLPeerUnverifiedException e) {
        // TLS without a client certificate: the address says who it is
      }
    }
    return null;
  }

  /** The current call's certificate subject, else its address; "unknown" outside a call. */
  public static String identity() {
    String key = IDENTITY.get();
    return key == null ? "unknown" : key;
  }

  /** The current call's certificate subject and address; "unknown" outside a call. */
  public static String endpoint() {
    String key = ENDPOINT.get();
    return key == null ? "unknown" : key;
  }
}
