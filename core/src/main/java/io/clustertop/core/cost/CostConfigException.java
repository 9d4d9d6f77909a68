package io.clustertop.core.cost;

/** A cost configuration that cannot be used; the message names the file, the line and the reason. */
public final class CostConfigException extends Exception {
  public CostConfigException(String source, int line, String reason) {
    super(source + (line > 0 ? ":" + line : "") + ": " + reason);
  }
}
