package io.clustertop.collector.watch;

/**
 * What the watch service holds at most.
 *
 * @param maxSubscribers watch streams open at once, every console together ({@code --max-subscribers})
 * @param maxPerConsole watch streams of one console ({@code --max-subscribers-per-console}): one
 *     certificate under mutual TLS, else one address
 * @param maxUnread publications in a row a stream may leave untaken before it is closed
 *     ({@code --watch-unread-publications}; a publication every 2 s)
 */
public record WatchLimits(int maxSubscribers, int maxPerConsole, int maxUnread) {
  public WatchLimits {
    if (maxSubscribers < 1 || maxPerConsole < 1 || maxUnread < 1) {
      throw new IllegalArgumentException("watch limits must be positive: " + maxSubscribers + ", " + maxPerConsole
          + ", " + maxUnread);
    }
  }

  /** 1000 streams, 50 per console, closed after 30 publications (a minute) untaken. */
  public static WatchLimits defaults() {
    return new WatchLimits(1000, 50, 30);
  }
}
