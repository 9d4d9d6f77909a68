package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.clustertop.core.attribution.Container;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's API over a real Unix socket, answered by a server of the test's with Docker's JSON. */
class DockerNamesTest {
  private static final String WEB = "a".repeat(64);
  private static final String DB = "b".repeat(64);
  private static final String BODY = "[{\"Id\":\"" + WEB + "\",\"Names\":[\"/web1\"],\"Image\":\"tiny\",\"State\":\"running\"},"
      + "{\"Id\":\"" + DB + "\",\"Names\":[\"/db\"],\"Image\":\"tiny\"}]";

  @TempDir
  Path dir;

  /** Answers each connection with {@code response}, and keeps the requests. */
  private List<String> serve(Path socket, String response) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    List<String> requests = Collections.synchronizedList(new ArrayList<>());
    Thread.ofPlatform().daemon().start(() -> {
      try (server) {
        while (true) {
          try (SocketChannel c = server.accept()) {
            ByteBuffer in = ByteBuffer.allocate(4096);
            StringBuilder request = new StringBuilder();
            while (request.indexOf("\r\n\r\n") < 0 && c.read(in) > 0) {
              request.append(new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII));
              in.clear();
            }
            requests.add(request.toString());
            c.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.UTF_8)));
          }
        }
      } catch (IOException e) {
        // closed
      }
    });
    return requests;
  }

  @Test
  void namesComeFromTheContainerListAskedOncePerRefresh() throws IOException {
    Path socket = dir.resolve("docker.sock");
    List<String> requests = serve(socket, "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n" + BODY);
    DockerNames names = new DockerNames(socket);
    assertEquals("web1", names.named(new Container(WEB, "docker", "")).name());
    assertEquals("db", names.named(new Container(DB, "docker", "")).name());
    assertEquals(1, requests.size(), "the second was known from the first answer");
    assertEquals("GET /containers/json HTTP/1.0", requests.getFirst().lines().findFirst().orElseThrow());
    Container unknown = new Container("c".repeat(64), "docker", "");
    assertEquals(unknown, names.named(unknown));
    assertEquals(1, requests.size(), "one request a refresh at most");
    names.newRefresh();
    assertEquals(unknown, names.named(unknown));
    assertEquals(unknown, names.named(unknown));
    assertEquals(2, requests.size(), "an unknown container asks again at the next refresh, once");
    Container crio = new Container("d".repeat(64), "crio", "");
    names.newRefresh();
    assertEquals(crio, names.named(crio), "not Docker's: not asked");
    assertEquals(2, requests.size());
  }

  @Test
  void withoutAReadableSocketContainersGoByTheirId() throws IOException {
    Container web = new Container(WEB, "docker", "");
    assertEquals(web, new DockerNames(dir.resolve("absent.sock")).named(web));
    Path refusing = dir.resolve("refusing.sock");
    serve(refusing, "HTTP/1.0 403 Forbidden\r\n\r\n");
    assertEquals(web, new DockerNames(refusing).named(web));
    assertThrows(IOException.class, () -> new DockerNames(refusing).get("/containers/json"));
  }

  @Test
  void theListIsReadWithoutTheLeadingSlash() {
    assertEquals(Map.of(WEB, "web1", DB, "db"), DockerNames.parse(BODY));
    assertThrows(IllegalArgumentException.class, () -> DockerNames.parse("{\"message\":\"no\"}"));
  }
}
