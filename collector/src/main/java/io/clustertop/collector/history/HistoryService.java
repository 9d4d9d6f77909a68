package io.clustertop.collector.history;

import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.CostRequest;
import io.clustertop.proto.v1.HistoryGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.sql.SQLException;

/**
 * {@code History.Cost}: a report from the rollups. Served by every collector; one that keeps no
 * history answers FAILED_PRECONDITION with the option that turns it on.
 */
public final class HistoryService extends HistoryGrpc.HistoryImplBase {
  private final HistoryStore store;
  private final String currency;

  /** @param store null when the collector keeps no history */
  public HistoryService(HistoryStore store, String currency) {
    this.store = store;
    this.currency = currency;
  }

  @Override
  public void cost(CostRequest request, StreamObserver<CostReport> response) {
    if (store == null) {
      response.onError(Status.FAILED_PRECONDITION
          .withDescription("this collector keeps no history: start it with --history FILE").asRuntimeException());
      return;
    }
    try {
      long sinceMinute = Math.floorDiv(Math.max(0, request.getSinceUnixNanos()), HistoryRecorder.MINUTE_NANOS);
      response.onNext(store.report(sinceMinute, request.getBy(), currency));
      response.onCompleted();
    } catch (SQLException e) {
      response.onError(Status.INTERNAL.withDescription("reading the history: " + e.getMessage()).asRuntimeException());
    }
  }
}
