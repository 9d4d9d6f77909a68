package io.clustertop.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One ingest stream of a hand-driven agent: send a message, wait for its Ack or the stream's status.
 * Public for the relay's tests, whose agents stream to several collectors.
 */
public final class TestAgent {
  private static final long WAIT_SECONDS = 10;

  private final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
  private final CompletableFuture<Status> end = new CompletableFuture<>();
  private final StreamObserver<AgentMessage> requests;
  private final ManagedChannel channel;

  public TestAgent(ManagedChannel channel) {
    this.channel = channel;
    requests = IngestGrpc.newStub(channel).stream(new StreamObserver<>() {
      @Override
      public void onNext(Ack ack) {
        acks.add(ack);
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

  public Ack hello(Hello hello) {
    requests.onNext(AgentMessages.message(hello));
    return ack();
  }

  public Ack send(DeltaBatch batch) {
    requests.onNext(AgentMessages.message(batch));
    return ack();
  }

  public Ack send(FullState state) {
    requests.onNext(AgentMessages.message(state));
    return ack();
  }

  void sendOnly(AgentMessage message) {
    requests.onNext(message);
  }

  /** The status the collector ended the stream with, after {@code message}. */
  Status refused(AgentMessage message) {
    requests.onNext(message);
    return status();
  }

  Status status() {
    try {
      return end.get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      return fail("the stream did not end: " + e);
    }
  }

  Ack ack() {
    try {
      Ack ack = acks.poll(WAIT_SECONDS, TimeUnit.SECONDS);
      assertNotNull(ack, "no Ack within " + WAIT_SECONDS + " s" + (end.isDone() ? ", stream ended: " + end.join() : ""));
      return ack;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return fail(e);
    }
  }

  void assertApplied(long appliedThrough, Ack ack) {
    assertEquals(appliedThrough, ack.getAppliedThrough(), "applied through");
  }

  ManagedChannel channel() {
    return channel;
  }

  /** Half-closes the stream and waits for the collector to end it: the agent has left. */
  void close() {
    requests.onCompleted();
    status();
  }
}
