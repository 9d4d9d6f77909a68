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
import java.util.concurrent.TimeUnit;

/**
 * The relay's {@code History.Cost}: the same request asked of every shard, the reports merged
 * ({@link CostMerge}). A report lacking a shard's nodes would read as complete, so a shard that does
 * not answer fails the whole request, naming it (FAILED_PRECONDITION when every shard keeps no
 * history, as a collector without one answers; UNAVAILABLE otherwise).
 *
 * <p>Thread safety: safe.
 */
public final class RelayHistoryService extends HistoryGrpc.HistoryImplBase {
  private static final long DEADLINE_SECONDS = 30;

  private final List<String> addresses;
  private final List<ManagedChannel> channels;

  /** @param channels one per shard, in the order of {@code addresses} */
  public RelayHistoryService(List<String> addresses, List<ManagedChannel> channels) {
    this.addresses = addresses;
    this.channels = channels;
  }

  @Override
  public void cost(CostRequest request, StreamObserver<CostReport> responses) {
    List<CostReport> reports = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    boolean allWithoutHistory = true;
    for (int i = 0; i < channels.size(); i++) {
      try {
        reports.add(HistoryGrpc.newBlockingStub(channels.get(i))
            .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).cost(request));
        allWithoutHistory = false;
      } catch (StatusRuntimeException e) {
        allWithoutHistory &= e.getStatus().getCode() == Status.Code.FAILED_PRECONDITION;
        failures.add("shard " + addresses.get(i) + ": " + StatusText.describe(e.getStatus()));
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
