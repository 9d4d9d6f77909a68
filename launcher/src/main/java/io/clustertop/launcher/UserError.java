package io.clustertop.launcher;

/** A problem the user caused and can fix: printed as one line, exit status 2, no stack trace. */
final class UserError extends RuntimeException {
  UserError(String message) {
    super(message);
  }

  UserError(String message, Throwable cause) {
    super(message, cause);
  }
}
