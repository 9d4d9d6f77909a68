package io.clustertop.collector.ingest;

import io.clustertop.collector.merge.Refusal;
import io.grpc.Status;

/** A refusal as the status its stream ends with: the one place that maps the merge's kinds to gRPC's codes. */
final class RefusalStatus {
  private RefusalStatus() {}

  static Status of(Refusal r) {
    Status.Code code = switch (r.kind()) {
      case INVALID -> Status.Code.INVALID_ARGUMENT;
      case OUT_OF_RANGE -> Status.Code.OUT_OF_RANGE;
      case WRONG_STATE -> Status.Code.FAILED_PRECONDITION;
      case LIMIT -> Status.Code.RESOURCE_EXHAUSTED;
      case SUPERSEDED -> Status.Code.ABORTED;
      case FORBIDDEN -> Status.Code.PERMISSION_DENIED;
    };
    return code.toStatus().withDescription(r.getMessage());
  }
}
