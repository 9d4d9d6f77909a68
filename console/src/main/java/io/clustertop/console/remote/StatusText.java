package io.clustertop.console.remote;

import io.clustertop.console.terminal.Printable;
import io.grpc.Status;

/**
 * A gRPC status as one line for a person: "unreachable (Connection refused)", "FAILED_PRECONDITION
 * (why)"; a peer's words come out {@link Printable}.
 */
public final class StatusText {
  private StatusText() {}

  public static String describe(Status status) {
    String why = status.getCause() != null && status.getCause().getMessage() != null
        ? status.getCause().getMessage()
        : status.getDescription();
    String what = status.getCode() == Status.Code.UNAVAILABLE ? "unreachable" : status.getCode().toString();
    return why == null ? what : what + " (" + Printable.of(why) + ")"; // a peer's words
  }
}
