package io.clustertop.agent.attribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/**
 * Docker's API over a real Unix socket, answered by a server of the test's with Docker's JSON; and
 * through it the rule all runtimes' names follow ({@link ContainerNames}).
 */
class DockerApiTest {
  private static final String WEB = "a".repeat(64);
  private static final String DB = "b".repeat(64);
  private static final String BODY = "[{\"Id\":\"" + WEB + "\",\"Names\":[\"/web1\"],\"Image\":\"tiny\",\"State\":\"running\"},"
      + "{\"Id\":\"" + DB + "\",\"Names\":[\"/db\"],\"Image\":\"tiny\"}]";

  @TempDir
  Path dir;

  /** Answers each connection with {@code response} (or, if null, reads and never answers), and keeps the requests. */
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
            if (response == null) {
              c.read(in); // until the caller gives up and closes
            } else {
              c.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.UTF_8)));
            }
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
    ContainerNames names = new ContainerNames(List.of(new DockerApi(socket)));
    assertEquals(new Container(WEB, "docker", "web1"), names.named(new Container(WEB, "docker", "")));
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
    assertEquals(2, names.lists());
    assertEquals(0, names.failures());
  }

  @Test
  void withoutAReadableSocketContainersGoByTheirId() throws IOException {
    Container web = new Container(WEB, "docker", "");
    ContainerNames absent = new ContainerNames(List.of(new DockerApi(dir.resolve("absent.sock"))));
    assertEquals(web, absent.named(web));
    assertEquals(1, absent.failures());
    Path refusing = dir.resolve("refusing.sock");
    serve(refusing, "HTTP/1.0 403 Forbidden\r\n\r\n");
    ContainerNames refused = new ContainerNames(List.of(new DockerApi(refusing)));
    assertEquals(web, refused.named(web));
    assertEquals(1, refused.failures());
    assertEquals(0, refused.lists());
    IOException e = assertThrows(IOException.class, () -> new DockerApi(refusing).get("/containers/json"));
    assertEquals("answered 'HTTP/1.0 403 Forbidden'", e.getMessage());
  }

  @Test
  void anEngineThatDoesNotAnswerIsGivenUpAtTheDeadline() throws IOException {
    Path silent = dir.resolve("silent.sock");
    List<String> requests = serve(silent, null);
    IOException e = assertThrows(IOException.class, () -> new DockerApi(silent).get("/containers/json"));
    assertEquals("no answer within " + RuntimeApi.DEADLINE_MILLIS + " ms", e.getMessage());
    assertTrue(requests.getFirst().startsWith("GET /containers/json"), "the request was sent: " + requests);
  }

  @Test
  void theListIsReadWithoutTheLeadingSlash() {
    assertEquals(Map.of(WEB, "web1", DB, "db"), DockerApi.parse(BODY));
    assertThrows(IllegalArgumentException.class, () -> DockerApi.parse("{\"message\":\"no\"}"));
  }
}
