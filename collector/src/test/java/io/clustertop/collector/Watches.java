package io.clustertop.collector;

import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import java.util.concurrent.TimeUnit;

/** What the collector's gRPC tests share: a watch's first snapshot, and the teardown. */
public final class Watches {
  private Watches() {}

  /** The first snapshot of a subscription (the one sent at once); the subscription is cancelled after it. */
  public static ViewSnapshot first(ManagedChannel channel, WatchRequest request) {
    Context.CancellableContext context = Context.current().withCancellation();
    try {
      return context.call(() -> WatchGrpc.newBlockingStub(channel).subscribe(request).next());
    } catch (Exception e) {
      throw new AssertionError(e);
    } finally {
      context.cancel(null);
    }
  }

  /** Closes the test's channel, then stops its collector; either may be null (a test that failed to start). */
  public static void close(ManagedChannel channel, CollectorServer collector) throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (collector != null) {
      collector.stop();
    }
  }
}
