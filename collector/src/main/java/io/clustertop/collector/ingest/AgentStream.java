package io.clustertop.collector.ingest;

import io.clustertop.collector.merge.Cluster;
import io.clustertop.collector.merge.InputProblem;
import io.clustertop.collector.merge.RejectedInput;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * One agent's ingest stream: a Hello first, then full states and batches, each answered with an Ack.
 * The first refused message ends the stream with its status; nothing it carried was counted.
 *
 * <p>Thread safety: gRPC delivers one stream's messages one at a time, which is all it needs.
 */
final class AgentStream implements StreamObserver<AgentMessage> {
  private final Cluster cluster;
  private final MessageValidator validator;
  private final CollectorMetrics metrics;
  private final StreamObserver<Ack> responses;
  private boolean helloSeen;
  private boolean ended;

  AgentStream(Cluster cluster, MessageValidator validator, CollectorMetrics metrics, StreamObserver<Ack> responses) {
    this.cluster = cluster;
    this.validator = validator;
    this.metrics = metrics;
    this.responses = responses;
  }

  @Override
  public void onNext(AgentMessage message) {
    if (ended) {
      return;
    }
    try {
      responses.onNext(answer(message));
    } catch (RejectedInput e) {
      metrics.rejected(e.problem());
      end();
      responses.onError(e.status().asRuntimeException());
    }
  }

  private Ack answer(AgentMessage message) throws RejectedInput {
    switch (message.getKindCase()) {
      case HELLO -> {
        if (helloSeen) {
          throw new RejectedInput(Status.Code.FAILED_PRECONDITION, InputProblem.PROTOCOL, "a stream has one Hello");
        }
        validator.check(message.getHello());
        Ack ack = cluster.hello(this, message.getHello());
        helloSeen = true;
        return ack;
      }
      case FULL_STATE -> {
        validator.check(message.getFullState());
        return cluster.fullState(this, message.getFullState());
      }
      case BATCH -> {
        validator.check(message.getBatch());
        return cluster.batch(this, message.getBatch());
      }
      default -> throw new RejectedInput(Status.Code.INVALID_ARGUMENT, InputProblem.PROTOCOL, "an empty message");
    }
  }

  @Override
  public void onError(Throwable t) {
    end();
  }

  @Override
  public void onCompleted() {
    if (!ended) {
      end();
      responses.onCompleted();
    }
  }

  private void end() {
    ended = true;
    cluster.disconnected(this);
  }
}
