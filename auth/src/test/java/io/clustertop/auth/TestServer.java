package io.clustertop.auth;

import io.clustertop.auth.tls.TlsFiles;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.CaptureFilterReply;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.IngestGrpc;
import io.clustertop.proto.v1.WatchGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC server on 127.0.0.1 with real TLS and the {@link AccessInterceptor} in front of stand-in
 * services that answer with the caller's identity as the service sees it: an ingest stream acking
 * each message with a count, a capture filter reply naming the caller.
 */
final class TestServer implements AutoCloseable {
  final TlsFiles files;
  final AuthMetrics metrics;
  final Server server;

  TestServer(ScriptCertificates certs, String name, RolePolicy policy) throws Exception {
    files = TlsFiles.open(certs.certificate(name), certs.key(name), certs.ca(), Duration.ZERO);
    metrics = new AuthMetrics(false, files);
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0), files.serverCredentials())
        .intercept(new AccessInterceptor(policy, metrics))
        .addService(new IngestGrpc.IngestImplBase() {
          @Override
          public StreamObserver<AgentMessage> stream(StreamObserver<Ack> responses) {
            return new StreamObserver<>() {
              long seen;

              @Override
              public void onNext(AgentMessage message) {
                responses.onNext(Ack.newBuilder().setAppliedThrough(++seen).build());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                responses.onCompleted();
              }
            };
          }
        })
        .addService(new WatchGrpc.WatchImplBase() {
          @Override
          public void setCaptureFilter(CaptureFilterRequest request, StreamObserver<CaptureFilterReply> responses) {
            PeerIdentity who = PeerIdentity.current();
            if (who == null) {
              responses.onError(Status.FAILED_PRECONDITION.withDescription("no identity").asRuntimeException());
              return;
            }
            responses.onNext(CaptureFilterReply.newBuilder().setExpression(request.getExpression())
                .setSource(who.describe()).build());
            responses.onCompleted();
          }
        })
        .build().start();
  }

  int port() {
    return server.getPort();
  }

  /** A client with {@code name}'s certificate, trusting the CA, dialling 127.0.0.1. */
  ManagedChannel channel(ScriptCertificates certs, String name) throws Exception {
    try (TlsFiles client = TlsFiles.open(certs.certificate(name), certs.key(name), certs.ca(), Duration.ZERO)) {
      return NettyChannelBuilder.forAddress("127.0.0.1", port(), client.channelCredentials()).build();
    }
  }

  @Override
  public void close() throws IOException {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    files.close();
  }
}
