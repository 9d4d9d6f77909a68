package io.clustertop.agent.attribution;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.clustertop.core.attribution.Container;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Docker containers' names from the engine's API over its Unix socket ({@code GET /containers/json},
 * HTTP/1.0 so that the engine answers with one body and closes): asked again only when a container
 * it does not know turns up, at most once per refresh. Where the socket cannot be read (no Docker,
 * no permission), containers go by their id, and the agent says so once.
 *
 * <p>Thread safety: the attribution thread only.
 */
final class DockerNames implements ContainerNames {
  static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");
  private static final System.Logger LOG = System.getLogger(DockerNames.class.getName());
  /** The list of a host's containers is small; a body larger than this is not Docker's answer. */
  private static final int MAX_BODY = 16 << 20;

  private final Path socket;
  private final Map<String, String> names = new HashMap<>();
  private boolean askedThisRefresh;
  private String failure;

  DockerNames(Path socket) {
    this.socket = socket;
  }

  /** A new refresh: a container not known may be asked for again. */
  void newRefresh() {
    askedThisRefresh = false;
  }

  @Override
  public Container named(Container container) {
    if (!container.runtime().equals("docker")) {
      return container;
    }
    String name = names.get(container.id());
    if (name == null && !askedThisRefresh) {
      askedThisRefresh = true;
      refresh();
      name = names.get(container.id());
    }
    return name == null ? container : container.withName(name);
  }

  private void refresh() {
    try {
      Map<String, String> fresh = parse(get("/containers/json"));
      names.clear();
      names.putAll(fresh);
      if (failure != null) {
        LOG.log(System.Logger.Level.INFO, "container names: Docker''s API at {0} answers again", socket);
        failure = null;
      }
    } catch (IOException | RuntimeException e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      if (failure == null) {
        LOG.log(System.Logger.Level.INFO, "container names: Docker''s API at {0} not readable ({1}): containers go by their id",
            socket, reason);
      }
      failure = reason;
    }
  }

  /** The body of a GET, which must answer 200. */
  String get(String path) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(socket));
      ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      while (request.hasRemaining()) {
        channel.write(request);
      }
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
      while (channel.read(buffer) >= 0) {
        response.write(buffer.array(), 0, buffer.position());
        buffer.clear();
        if (response.size() > MAX_BODY) {
          throw new IOException("an answer of more than " + MAX_BODY + " bytes");
        }
      }
      String text = response.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      String status = text.substring(0, Math.max(0, text.indexOf("\r\n")));
      if (end < 0 || !status.matches("HTTP/1\\.[01] 200 .*")) {
        throw new IOException("answered '" + status + "'");
      }
      return text.substring(end + 4);
    }
  }

  /** {@code [{"Id": "...", "Names": ["/web"], ...}, ...]} -> id -> name (without Docker's leading slash). */
  static Map<String, String> parse(String body) {
    Map<String, String> names = new HashMap<>();
    try {
      for (JsonElement e : JsonParser.parseString(body).getAsJsonArray()) {
        var container = e.getAsJsonObject();
        var list = container.getAsJsonArray("Names");
        if (container.has("Id") && list != null && !list.isEmpty()) {
          String name = list.get(0).getAsString();
          names.put(container.get("Id").getAsString(), name.startsWith("/") ? name.substring(1) : name);
        }
      }
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
      throw new IllegalArgumentException("not a list of containers: " + e.getMessage(), e);
    }
    return names;
  }
}
