package io.clustertop.agent.capture;

/**
 * What became of a request to change the capture filter, as one line for the user.
 *
 * @param kind applied, refused for a bad expression, or not possible for this source
 * @param message libpcap's compile error, or why the source cannot change its filter; the
 *     expression in force when applied
 */
public record FilterOutcome(Kind kind, String message) {
  /** The three answers: each maps to its own gRPC status, so they are kept apart. */
  public enum Kind {
    APPLIED,
    BAD_FILTER,
    NOT_POSSIBLE
  }

  public static FilterOutcome applied(String expression) {
    return new FilterOutcome(Kind.APPLIED, expression);
  }

  public static FilterOutcome badFilter(String message) {
    return new FilterOutcome(Kind.BAD_FILTER, message);
  }

  public static FilterOutcome notPossible(String message) {
    return new FilterOutcome(Kind.NOT_POSSIBLE, message);
  }
}
