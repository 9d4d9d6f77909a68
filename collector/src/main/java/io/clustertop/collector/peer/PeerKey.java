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
 * Who a call comes from, for the limits counted per peer (Hellos per minute, watch streams per
 * console): the subject of its verified client certificate under mutual TLS, else its address
 * (without the port: each connection has its own). Put into each call's context by this interceptor.
 */
public final class PeerKey implements ServerInterceptor {
  private static final Context.Key<String> KEY = Context.key("clustertop-peer-key");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    return Contexts.interceptCall(Context.current().withValue(KEY, of(call)), call, headers, next);
  }

  private static String of(ServerCall<?, ?> call) {
    SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (tls != null) {
      try {
        return "certificate " + tls.getPeerPrincipal().getName();
      } catch (SSLPeerUnverifiedException e) {
        // TLS without a client certificate: the address says who it is
      }
    }
    return call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR) instanceof InetSocketAddress a
        ? "address " + a.getAddress().getHostAddress() : "unknown";
  }

  /** The current call's peer, "unknown" outside a call. */
  public static String current() {
    String key = KEY.get();
    return key == null ? "unknown" : key;
  }
}
