package io.clustertop.kubernetes.informer;

import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * fabric8's CRUD mock (list and watch of what was created through it) that can also answer as a real
 * API server does to a watch from a version it no longer has (its history compacted after an
 * outage): an ERROR event with status 410 Gone, after which a client must list again. The mock alone
 * ignores the version a watch asks for and sends the objects it holds as ADDED, so deletions made
 * while a watch was away would never reach the client.
 */
public final class ExpiringCrudDispatcher extends KubernetesCrudDispatcher {
  private static final String GONE = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
      + "\"metadata\":{},\"status\":\"Failure\",\"message\":\"too old resource version\",\"reason\":\"Expired\",\"code\":410}}";

  /** API paths whose next watch is answered with 410. */
  private final Set<String> expired = ConcurrentHashMap.newKeySet();

  /** The next watch of each of these paths (e.g. {@code /api/v1/pods}) is told its version is gone. */
  public void expireNextWatches(Set<String> paths) {
    expired.addAll(paths);
  }

  /** Paths still waiting for their watch to be expired. */
  public Set<String> pendingExpiries() {
    return Set.copyOf(expired);
  }

  @Override
  public MockResponse handleGet(String path) {
    int query = path.indexOf('?');
    String resource = query < 0 ? path : path.substring(0, query);
    if (query >= 0 && path.indexOf("watch=true", query) >= 0 && expired.remove(resource)) {
      return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
          webSocket.send(GONE);
          webSocket.close(1000, "");
        }
      });
    }
    return super.handleGet(path);
  }
}
