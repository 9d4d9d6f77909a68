package io.clustertop.console.remote;

import io.clustertop.core.retry.Backoff;
import io.clustertop.proto.v1.CaptureFilterReply;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A console's subscription to an agent's or the collector's watch service. It never blocks the
 * caller: snapshots and connection news arrive through callbacks, and a broken stream is opened
 * again by itself, after a backoff (doubling from 0.5 s to 10 s, with full jitter).
 *
 * <p>Thread safety: callbacks come from gRPC's threads, one at a time per subscription.
 */
public final class WatchClient implements AutoCloseable {
  private static final Duration FIRST_RETRY = Duration.ofMillis(500);
  private static final Duration MAX_RETRY = Duration.ofSeconds(10);
  /** An agent answers within a read timeout (100 ms); beyond this the screen should say something. */
  private static final Duration FILTER_DEADLINE = Duration.ofSeconds(10);

  /** What the console hears of the connection. */
  public interface Listener {
    void snapshot(ViewSnapshot snapshot);

    /** The stream broke; it is retried after {@code retryMillis}. */
    void disconnected(Status status, long retryMillis);

    /**
     * The server refused the request itself (INVALID_ARGUMENT: a grouping an agent does not offer,
     * a bad CIDR, too many rows): asking again would be refused again, so it is not retried.
     */
    void refused(Status status);
  }

  private final String target;
  private final ManagedChannel channel;
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().name("watch-retry").unstarted(r));
  private volatile boolean closed;

  /**
   * @param target {@code HOST:PORT}
   * @param credentials TLS or plaintext
   */
  public WatchClient(String target, ChannelCredentials credentials) {
    this.target = target;
    this.channel = NettyChannelBuilder.forTarget(target, credentials).build();
  }

  public String target() {
    return target;
  }

  /**
   * Subscribes with {@code request}; keeps the subscription open, reconnecting, until the returned
   * subscription or this client is closed.
   */
  public Subscription subscribe(WatchRequest request, Listener listener) {
    Stream subscription = new Stream(request, listener, Backoff.between(FIRST_RETRY, MAX_RETRY));
    subscription.open();
    return subscription;
  }

  /**
   * Asks the server to set its capture filter. Not retried: the user sees the answer and decides.
   * Completes with the reply, or exceptionally with the server's status (a refusal, a bad filter).
   */
  public CompletionStage<CaptureFilterReply> setCaptureFilter(String expression) {
    CompletableFuture<CaptureFilterReply> result = new CompletableFuture<>();
    WatchGrpc.newStub(channel).withDeadlineAfter(FILTER_DEADLINE)
        .setCaptureFilter(CaptureFilterRequest.newBuilder().setExpression(expression).build(),
            new StreamObserver<>() {
              @Override
              public void onNext(CaptureFilterReply reply) {
                result.complete(reply);
              }

              @Override
              public void onError(Throwable t) {
                result.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                // the reply came with onNext; a unary call has no more
              }
            });
    return result;
  }

  /** A subscription; closing it cancels its stream. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /** One request's stream, opened again after each break until it is closed. */
  private final class Stream implements Subscription {
    private final WatchRequest request;
    private final Listener listener;
    private final Backoff backoff;
    private volatile boolean cancelled;
    private volatile ClientCallStreamObserver<WatchRequest> call;

    Stream(WatchRequest request, Listener listener, Backoff backoff) {
      this.request = request;
      this.listener = listener;
      this.backoff = backoff;
    }

    void open() {
      if (closed || cancelled) {
        return;
      }
      WatchGrpc.newStub(channel).subscribe(request, new ClientResponseObserver<WatchRequest, ViewSnapshot>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
          call = requestStream;
        }

        @Override
        public void onNext(ViewSnapshot value) {
          if (!cancelled) {
            backoff.reset(); // the stream got through: a later break starts from the first delay
            listener.snapshot(value);
          }
        }

        @Override
        public void onError(Throwable t) {
          retry(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          retry(Status.UNAVAILABLE.withDescription("the server ended the stream"));
        }
      });
    }

    private void retry(Status status) {
      if (closed || cancelled) {
        return;
      }
      if (status.getCode() == Status.Code.INVALID_ARGUMENT) {
        listener.refused(status);
        return;
      }
      long delayNanos = backoff.nextDelayNanos();
      listener.disconnected(status, TimeUnit.NANOSECONDS.toMillis(delayNanos));
      retries.schedule(this::open, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
      cancelled = true;
      ClientCallStreamObserver<WatchRequest> c = call;
      if (c != null) {
        c.cancel("the console asked for another view", null);
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    retries.shutdownNow();
    channel.shutdownNow();
    try {
      channel.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
