package io.clustertop.agent.capture;

/**
 * A capture problem the user can cause and fix (no such interface, no permission, bad filter,
 * unreadable or corrupt file): its message is one line meant for the user, as is.
 */
public final class CaptureException extends Exception {
  public CaptureException(String message) {
    super(message);
  }

  public CaptureException(String message, Throwable cause) {
    super(message, cause);
  }
}
