package io.clustertop.agent.attribution;

import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Docker containers' names from the engine's API over its Unix socket ({@code GET /containers/json},
 * HTTP/1.0 so that the engine answers with one body and closes), within {@link #DEADLINE_MILLIS}.
 */
final class DockerApi implements RuntimeApi {
  static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

  private final Path socket;

  DockerApi(Path socket) {
    this.socket = socket;
  }

  @Override
  public String runtime() {
    return "docker";
  }

  @Override
  public boolean mayRun(String cgroupRuntime) {
    return cgroupRuntime.equals("docker");
  }

  @Override
  public Map<String, String> names() throws IOException {
    return parse(get("/containers/json"));
  }

  /** The body of a GET, which must answer 200 within the deadline. */
  String get(String path) throws IOException {
    long deadline = System.nanoTime() + DEADLINE_MILLIS * 1_000_000;
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
      channel.connect(UnixDomainSocketAddress.of(socket)); // a Unix socket connects at once, or is refused
      channel.configureBlocking(false);
      ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: docker\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
      while (request.hasRemaining()) {
        await(selector, deadline);
        channel.write(request);
      }
      key.interestOps(SelectionKey.OP_READ);
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
      while (true) {
        await(selector, deadline);
        int read = channel.read(buffer);
        if (read < 0) {
          break;
        }
        response.write(buffer.array(), 0, buffer.position());
        buffer.clear();
        if (response.size() > MAX_ANSWER_BYTES) {
          throw new IOException("an answer of more than " + MAX_ANSWER_BYTES + " bytes");
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

  /** Waits until the channel is ready, or throws once the deadline has passed. */
  private static void await(Selector selector, long deadline) throws IOException {
    long left = deadline - System.nanoTime();
    if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && deadline - System.nanoTime() <= 0) {
      throw new IOException("no answer within " + DEADLINE_MILLIS + " ms");
    }
    selector.selectedKeys().clear();
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

  @Override
  public void close() {
    // a connection a call: nothing held between calls
  }

  @Override
  public String toString() {
    return "Docker's API at " + socket;
  }
}
