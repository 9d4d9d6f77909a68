package io.clustertop.relay.cost;

import io.clustertop.console.remote.StatusText;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.CostRequest;
import io.clustertop.proto.v1.HistoryGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The relay's {@code History.Cost}: the same request asked of every shard, the reports merged
 * ({@link CostMerge}). A report lacking a shard's nodes would read as complete, so a shard that does
 * not answer fails the whole request, naming it (FAILED_PRECONDITION when every shard keeps no
 * history, as a collector without one answers; UNAVAILABLE otherwise, and when no shard is known yet).
 *
 * <p>Thread safety: safe.
 */
public final class RelayHistoryService extends HistoryGrpc.HistoryImplBase {
  private static final long DEADLINE_SECONDS = 30;

  private final Supplier<Map<String, ManagedChannel>> shards;

  /** @param shards the shards' channels by address, as they are when a report is asked for */
  public RelayHistoryService(Supplier<Map<String, ManagedChannel>> shards) {
    this.shards = shards;
  }

  @Override
  public void cost(CostRequest request, StreamObserver<CostReport> responses) {
    Map<String, ManagedChannel> now = shards.get();
    if (now.isEmpty()) {
      responses.onError(Status.UNAVAILABLE.withDescription("the relay knows no shard yet").asRuntimeException());
      return;
    }
    List<CostReport> reports = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    boolean allWithoutHistory = true;
    for (Map.Entry<String, ManagedChannel> shard : now.entrySet()) {
      try {
        reports.add(HistoryGrpc.newBlockingStub(shard.getValue())
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).cost(request));
        allWithoutHistory = false;
      } catch (StatusRuntimeException e) {
        allWithoutHistory &= e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
        failures.add("shard " + shard.getKey() + ": " + StatusText.describe(e.getStatus()));
      }
    }
    if (!failures.isEmpty()) {
      Status status = allWithoutHistory ? Status.FAILED_PRECONDITION : Status.UNAVAILABLE;
      responses.onError(status.withDescription("the relay's report needs every shard's history; "
          + String.join("; ", failures)).asRuntimeException());
      return;
    }
    CostReport merged;
    try {
      merged = CostMerge.merge(reports);
    } catch (IllegalArgumentException e) {
      responses.onError(Status.FAILED_PRECONDITION.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    responses.onNext(merged);
    responses.onCompleted();
  }
}
