package io.clustertop.core.report;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An agent's random id: which agent this is, across its restarts when it keeps a state directory,
 * whatever its node is called. The protocol says 16 bytes; this holds what was sent, so the ingest
 * edge can refuse another length with its own reason.
 */
public final class AgentId {
  public static final int BYTES = 16;

  private final byte[] bytes;
  private final int hash;

  private AgentId(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  public static AgentId of(byte[] bytes) {
    return new AgentId(bytes.clone());
  }

  public static AgentId fromHex(String hex) {
    return new AgentId(HexFormat.of().parseHex(hex));
  }

  public int length() {
    return bytes.length;
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AgentId other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return hex();
  }
}
