package io.clustertop.core.attribution;

/**
 * The process holding the socket of a conversation's local end.
 *
 * @param pid its process id, as the host's /proc sees it (the agent reads the host's pid namespace)
 * @param command its command name, /proc/PID/comm (at most 15 characters, as the kernel keeps it)
 * @param networkNamespace the inode of its network namespace (/proc/PID/ns/net): which socket table
 *     the socket was found in
 * @param container its container, or null for a process in none
 */
public record LocalProcess(int pid, String command, long networkNamespace, Container container) {
  public boolean inContainer() {
    return container != null;
  }

  /** {@code command[pid]}, as syslog tags a process. */
  public String label() {
    return command + "[" + pid + "]";
  }
}
