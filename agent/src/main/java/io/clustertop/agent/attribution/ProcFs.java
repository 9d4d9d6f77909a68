package io.clustertop.agent.attribution;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * What attribution reads of /proc: the processes, each one's network namespace, command, cgroup
 * and socket descriptors, and a namespace's socket tables and addresses through one of its
 * processes. The root is a parameter so that tests read a tree they made.
 *
 * <p>A process can end between two reads: every method answers "nothing" (empty, -1, null) for a
 * process that is gone or unreadable, never throws for it.
 */
final class ProcFs {
  /** The host's /proc: the agent must see the host's pid namespace (hostPID on Kubernetes). */
  static final ProcFs HOST = new ProcFs(Path.of("/proc"));

  private final Path root;

  ProcFs(Path root) {
    this.root = root;
  }

  /** Every process's pid, in the order the directory lists them. */
  List<Integer> pids() {
    List<Integer> pids = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root)) {
      for (Path p : dir) {
        String name = p.getFileName().toString();
        if (!name.isEmpty() && Character.isDigit(name.charAt(0)) && name.chars().allMatch(Character::isDigit)) {
          pids.add(Integer.parseInt(name));
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot list " + root, e);
    }
    return pids;
  }

  /** The inode of the process's network namespace ({@code net:[4026531840]}), or -1. */
  long networkNamespace(int pid) {
    return bracketed(link(root.resolve(pid + "/ns/net")), "net:[");
  }

  /** The namespace the reading process itself is in (the agent's: where it captures), or -1. */
  long ownNetworkNamespace() {
    return bracketed(link(root.resolve("self/ns/net")), "net:[");
  }

  /** /proc/PID/comm without its newline, or null. */
  String command(int pid) {
    List<String> lines = lines(root.resolve(pid + "/comm"));
    return lines.isEmpty() ? null : lines.getFirst();
  }

  /** /proc/PID/cgroup's lines (empty if gone). */
  List<String> cgroup(int pid) {
    return lines(root.resolve(pid + "/cgroup"));
  }

  /**
   * Tells {@code inodes} of every socket the process has open ({@code /proc/PID/fd/N ->
   * socket:[INODE]}). Reading another user's descriptors needs CAP_SYS_PTRACE (or root); those
   * it cannot read are skipped.
   */
  void socketInodes(int pid, LongConsumer inodes) {
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(root.resolve(pid + "/fd"))) {
      for (Path fd : dir) {
        long inode = bracketed(link(fd), "socket:[");
        if (inode >= 0) {
          inodes.accept(inode);
        }
      }
    } catch (IOException | SecurityException e) {
      // gone, or not ours to read
    }
  }

  /** A file of the process's namespace's /proc/net ({@code tcp}, {@code udp6}, {@code fib_trie}...). */
  List<String> net(int pid, String name) {
    return lines(root.resolve(pid + "/net/" + name));
  }

  private static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException | SecurityException e) {
      return List.of();
    }
  }

  private static String link(Path p) {
    try {
      return Files.readSymbolicLink(p).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null;
    }
  }

  /** The number in {@code prefix123]}, or -1. */
  static long bracketed(String text, String prefix) {
    if (text == null || !text.startsWith(prefix) || !text.endsWith("]")) {
      return -1;
    }
    try {
      return Long.parseLong(text, prefix.length(), text.length() - 1, 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
