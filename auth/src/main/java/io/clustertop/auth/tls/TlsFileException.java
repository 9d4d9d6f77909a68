package io.clustertop.auth.tls;

/** TLS files that cannot be used: which file, and why, in one line. */
public final class TlsFileException extends Exception {
  public TlsFileException(String message) {
    super(message, null, false, false);
  }
}
