package io.clustertop.agent.stream;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The agent's 16 random bytes: which agent this is, whatever its node is called. Kept in a state
 * directory when there is one, so a restarted agent is the same agent (with a new epoch).
 */
public final class AgentId {
  static final int BYTES = 16;
  static final String FILE_NAME = "agent-id";

  private AgentId() {}

  /** A new id, for an agent without a state directory: one per process. */
  public static ByteString random() {
    byte[] id = new byte[BYTES];
    new SecureRandom().nextBytes(id);
    return ByteString.copyFrom(id);
  }

  /**
   * The id kept in {@code stateDir}, made (and the directory too) on the first start.
   *
   * @throws IOException if the directory cannot be read or written, or holds something else
   */
  public static ByteString kept(Path stateDir) throws IOException {
    Path file = stateDir.resolve(FILE_NAME);
    if (Files.exists(file)) {
      byte[] id = Files.readAllBytes(file);
      if (id.length != BYTES) {
        throw new IOException(file + " holds " + id.length + " bytes, not an agent id of " + BYTES);
      }
      return ByteString.copyFrom(id);
    }
    Files.createDirectories(stateDir);
    ByteString id = random();
    Path partial = stateDir.resolve(FILE_NAME + ".new");
    Files.write(partial, id.toByteArray());
    Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE); // never a half-written id
    return id;
  }
}
