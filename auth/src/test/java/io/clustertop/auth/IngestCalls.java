package io.clustertop.auth;

import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An ingest stream driven by hand, for tests of who may open one. In the test jar. */
public final class IngestCalls {
  private IngestCalls() {}

  /**
   * Opens a stream and sends {@code messages}, one at a time, each waiting for its answer.
   *
   * @return the last Ack
   * @throws StatusRuntimeException the stream's error, as the server ended it
   */
  public static Ack send(Channel channel, List<AgentMessage> messages) throws InterruptedException {
    LinkedBlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<AgentMessage> requests = IngestGrpc.newStub(channel).stream(new StreamObserver<>() {
      @Override
      public void onNext(Ack ack) {
        answers.add(ack);
      }

      @Override
      public void onError(Throwable t) {
        answers.add(t);
      }

      @Override
      public void onCompleted() {}
    });
    Ack last = null;
    for (AgentMessage message : messages) {
      requests.onNext(message);
      Object answer = answers.poll(20, TimeUnit.SECONDS);
      if (answer instanceof StatusRuntimeException e) {
        throw e;
      }
      if (answer == null) {
        throw new AssertionError("no answer in 20 s");
      }
      last = (Ack) answer;
    }
    requests.onCompleted();
    return last;
  }
}
