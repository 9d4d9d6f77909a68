package io.clustertop.core.attribution;

/**
 * What attribution found for one conversation: the process of its local end, or that it has none
 * (no live socket on the node carries it: closed before attribution looked, traffic forwarded for
 * other hosts, or a socket that several network namespaces could hold alike). Never a guess.
 *
 * @param process the local end's process; null for {@link #UNATTRIBUTED}
 */
public record Attribution(LocalProcess process) {
  /** Looked for, and no socket on the node carries it. */
  public static final Attribution UNATTRIBUTED = new Attribution(null);

  public boolean attributed() {
    return process != null;
  }
}
