package io.clustertop.collector.merge;

import io.grpc.Status;

/**
 * An agent's message the collector refused, before it changed any figure: the status the stream
 * ends with, and the reason to count.
 */
public final class RejectedInput extends Exception {
  private final transient Status status;
  private final InputProblem problem;

  public RejectedInput(Status.Code code, InputProblem problem, String message) {
    super(message, null, false, false);
    this.status = code.toStatus().withDescription(message);
    this.problem = problem;
  }

  public Status status() {
    return status;
  }

  public InputProblem problem() {
    return problem;
  }
}
