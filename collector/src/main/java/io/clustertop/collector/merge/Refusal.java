package io.clustertop.collector.merge;

/**
 * An agent's message the collector refused, before it changed any figure: the kind of refusal (which
 * the transport turns into its own status) and the reason to count.
 */
public final class Refusal extends Exception {
  /** What is wrong, as far as the transport needs to say it. */
  public enum Kind {
    /** The message is not valid on its own (a malformed address, an overflowed counter). */
    INVALID,
    /** A sequence beyond what the collector holds a place for. */
    OUT_OF_RANGE,
    /** The message does not fit the state: no Hello first, an epoch or sequence that went back. */
    WRONG_STATE,
    /** A limit of the collector: too many agents, too much held. */
    LIMIT,
    /** A newer stream of the same agent speaks for it now. */
    SUPERSEDED
  }

  private final Kind kind;
  private final InputProblem problem;

  public Refusal(Kind kind, InputProblem problem, String message) {
    super(message, null, false, false);
    this.kind = kind;
    this.problem = problem;
  }

  public Kind kind() {
    return kind;
  }

  public InputProblem problem() {
    return problem;
  }
}
