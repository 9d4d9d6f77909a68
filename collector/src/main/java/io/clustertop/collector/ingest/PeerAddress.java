package io.clustertop.collector.ingest;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/** Puts the remote address of each call into its context, so the ingest session can say who it talks to. */
final class PeerAddress implements ServerInterceptor {
  private static final Context.Key<String> KEY = Context.key("clustertop-peer");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
      ServerCallHandler<Q, R> next) {
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    String text = remote instanceof InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort()
        : String.valueOf(remote);
    return Contexts.interceptCall(Context.current().withValue(KEY, text), call, headers, next);
  }

  /** The current call's peer, "unknown" outside a call. */
  static String current() {
    String peer = KEY.get();
    return peer == null ? "unknown" : peer;
  }
}
