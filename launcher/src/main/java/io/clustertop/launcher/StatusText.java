package io.clustertop.launcher;

import io.grpc.Status;

/** A gRPC status as one line for a person: "unreachable (Connection refused)", "FAILED_PRECONDITION (why)". */
final class StatusText {
  private StatusText() {}

  static String describe(Status status) {
    String why = status.getCause() != null && status.getCause().getMessage() != null
        ? status.getCause().getMessage()
        : status.getDescription();
    String what = status.getCode() == Status.Code.UNAVAILABLE ? "unreachable" : status.getCode().toString();
    return why == null ? what : what + " (" + why + ")";
  }
}
