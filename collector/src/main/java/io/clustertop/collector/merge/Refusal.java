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
    SUPERSEDED,
    /** The speaker may not speak for that node, agent id or address. */
    FORBIDDEN
  }

  private final Kind kind;
  private final InputProblem problem;
  private final long clockOffsetNanos;

  public Refusal(Kind kind, InputProblem problem, String message) {
    this(kind, problem, message, 0);
  }

  private Refusal(Kind kind, InputProblem problem, String message, long clockOffsetNanos) {
    super(message, null, false, false);
    this.kind = kind;
    this.problem = problem;
    this.clockOffsetNanos = clockOffsetNanos;
  }

  /**
   * A time too far from the collector's clock: the agent's clock is off by {@code offsetNanos}
   * (ahead when positive), which the collector shows as the node's state.
   */
  public static Refusal clockOff(long offsetNanos, String message) {
    return new Refusal(Kind.INVALID, InputProblem.BAD_TIME, message, offsetNanos == 0 ? 1 : offsetNanos);
  }

  /** Refused for a time too far from the collector's clock. */
  public boolean clockOff() {
    return clockOffsetNanos != 0;
  }

  /** How far the agent's clock is from the collector's, ahead when positive; 0 unless {@link #clockOff}. */
  public long clockOffsetNanos() {
    return clockOffsetNanos;
  }

  public Kind kind() {
    return kind;
  }

  public InputProblem problem() {
    return problem;
  }
}
