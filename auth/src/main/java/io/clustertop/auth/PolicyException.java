package io.clustertop.auth;

/** A policy file that cannot be used: its name, the line, and why, in one line. */
public final class PolicyException extends Exception {
  public PolicyException(String message) {
    super(message, null, false, false);
  }
}
