package io.clustertop.console.screen;

/**
 * What a feed answers to a capture filter change.
 *
 * @param applied true once the capture counts with the new filter; the old one stays otherwise
 * @param reason why not, one line for the message area (libpcap's error, a refusal); "" when applied
 */
public record CaptureFilterAnswer(boolean applied, String reason) {
  public static final CaptureFilterAnswer APPLIED = new CaptureFilterAnswer(true, "");

  public static CaptureFilterAnswer refused(String reason) {
    return new CaptureFilterAnswer(false, reason);
  }
}
