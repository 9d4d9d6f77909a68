package io.clustertop.proto.watch;

import io.clustertop.proto.v1.WatchRequest;

/** What every watch service refuses in a request, agent and collector alike. */
public final class WatchRequests {
  /** A console wants a screenful, or a script a long list; more rows than this is a mistake, not a view. */
  public static final int MAX_LIMIT = 10_000;

  private WatchRequests() {}

  /** Why the request is refused, or null. */
  public static String problem(WatchRequest request) {
    if (request.getLimit() > MAX_LIMIT) {
      return "limit " + request.getLimit() + " is above " + MAX_LIMIT;
    }
    return null;
  }
}
