package io.clustertop.agent.watch;

import io.clustertop.agent.stream.GrpcThreads;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The agent's gRPC server for its {@link NodeWatchService}: per-node iftop for consoles. Owns the
 * server's lifecycle; {@link #close()} ends the streams and waits for the server to stop.
 */
public final class NodeWatchServer implements AutoCloseable {
  private final NodeWatchService service;
  private final Server server;

  private NodeWatchServer(NodeWatchService service, Server server) {
    this.service = service;
    this.server = server;
  }

  /**
   * Listens on {@code address} (port 0: any free port), with or without TLS as {@code credentials}
   * say, on the agent's gRPC {@code threads}, each call through {@code interceptors} first (who may
   * watch, who may change the filter).
   */
  public static NodeWatchServer start(InetSocketAddress address, ServerCredentials credentials, NodeWatchService service,
      GrpcThreads threads, ServerInterceptor... interceptors) throws IOException {
    NettyServerBuilder builder = threads.onThese(NettyServerBuilder.forAddress(address, credentials)).addService(service);
    for (ServerInterceptor i : interceptors) {
      builder.intercept(i);
    }
    return new NodeWatchServer(service, builder.build().start());
  }

  public int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
