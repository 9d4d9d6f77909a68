package io.clustertop.relay;

import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A console's subscription over real gRPC, its snapshots queued for the test. */
final class Watcher implements AutoCloseable {
  private final ManagedChannel channel;
  private final BlockingQueue<ViewSnapshot> snapshots = new LinkedBlockingQueue<>();
  final CompletableFuture<Status> end = new CompletableFuture<>();
  private ClientCallStreamObserver<WatchRequest> call;

  Watcher(int port, WatchRequest request) {
    channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    WatchGrpc.newStub(channel).subscribe(request, new ClientResponseObserver<WatchRequest, ViewSnapshot>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
        call = requestStream;
      }

      @Override
      public void onNext(ViewSnapshot value) {
        snapshots.add(value);
      }

      @Override
      public void onError(Throwable t) {
        end.complete(Status.fromThrowable(t));
      }

      @Override
      public void onCompleted() {
        end.complete(Status.OK);
      }
    });
  }

  /** The first snapshot that satisfies {@code wanted}, within 20 s; the ones before it are dropped. */
  ViewSnapshot next(Predicate<ViewSnapshot> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < deadline) {
      ViewSnapshot s = snapshots.poll(100, TimeUnit.MILLISECONDS);
      if (s != null && wanted.test(s)) {
        return s;
      }
      if (end.isDone() && snapshots.isEmpty()) {
        throw new AssertionError("the stream ended: " + end.join());
      }
    }
    throw new AssertionError("no such snapshot within 20 s");
  }

  ViewSnapshot next() throws InterruptedException {
    return next(s -> true);
  }

  @Override
  public void close() {
    if (call != null) {
      call.cancel("done", null);
    }
    channel.shutdownNow();
  }
}
