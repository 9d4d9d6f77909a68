package io.clustertop.agent.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentIdTest {
  @Test
  void anIdIsSixteenRandomBytes() {
    assertEquals(16, AgentId.random().size());
    assertNotEquals(AgentId.random(), AgentId.random());
  }

  @Test
  void aStateDirectoryKeepsTheIdAcrossStarts(@TempDir Path dir) throws IOException {
    Path state = dir.resolve("a/b");
    ByteString first = AgentId.kept(state);
    assertEquals(first, AgentId.kept(state));
    assertEquals(first, ByteString.copyFrom(Files.readAllBytes(state.resolve("agent-id"))));
  }

  @Test
  void aDamagedIdIsAnError(@TempDir Path dir) throws IOException {
    Files.write(dir.resolve("agent-id"), new byte[5]);
    IOException e = assertThrows(IOException.class, () -> AgentId.kept(dir));
    assertEquals(dir.resolve("agent-id") + " holds 5 bytes, not an agent id of 16", e.getMessage());
  }
}
