package io.clustertop.agent.attribution;

import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.Orientation;
import io.clustertop.core.packet.DecodedPacket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A /proc tree made in a directory: processes with a namespace, a command, a cgroup, descriptors and socket tables. */
final class FakeProc {
  static final String TCP_HEADER =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

  final Path root;

  FakeProc(Path root) {
    this.root = root;
    link(root.resolve("self/ns/net"), "net:[1]");
  }

  ProcFs procFs() {
    return new ProcFs(root);
  }

  /** A process in namespace {@code ns} holding the sockets {@code inodes}. */
  FakeProc process(int pid, long ns, String command, String cgroup, long... inodes) {
    Path dir = root.resolve(Integer.toString(pid));
    link(dir.resolve("ns/net"), "net:[" + ns + "]");
    write(dir.resolve("comm"), List.of(command));
    write(dir.resolve("cgroup"), List.of(cgroup));
    for (int i = 0; i < inodes.length; i++) {
      link(dir.resolve("fd/" + (i + 3)), "socket:[" + inodes[i] + "]");
    }
    link(dir.resolve("fd/0"), "/dev/null");
    return this;
  }

  /** The namespace's table {@code name} ({@code tcp}, {@code udp}...) and addresses, as process {@code pid} reads them. */
  FakeProc table(int pid, String name, String... lines) {
    Path net = root.resolve(pid + "/net");
    write(net.resolve(name), java.util.stream.Stream.concat(java.util.stream.Stream.of(TCP_HEADER),
        java.util.Arrays.stream(lines)).toList());
    return this;
  }

  FakeProc fibTrie(int pid, String... localAddresses) {
    List<String> lines = java.util.Arrays.stream(localAddresses)
        .flatMap(a -> java.util.stream.Stream.of("     |-- " + a, "        /32 host LOCAL")).toList();
    write(root.resolve(pid + "/net/fib_trie"), lines);
    return this;
  }

  void remove(int pid) {
    try (var files = Files.walk(root.resolve(Integer.toString(pid)))) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One interval's table holding one packet of each conversation, sent from its local end. */
  static FlowAccumulator interval(FlowKey... keys) {
    FlowAccumulator flows = new FlowAccumulator(64);
    DecodedPacket p = new DecodedPacket();
    for (FlowKey k : keys) {
      flows.add(p.of(k, 100), Orientation.SENT);
    }
    return flows;
  }

  private static void link(Path link, String target) {
    try {
      Files.createDirectories(link.getParent());
      Files.createSymbolicLink(link, Path.of(target));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, List<String> lines) {
    try {
      Files.createDirectories(file.getParent());
      Files.write(file, lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
