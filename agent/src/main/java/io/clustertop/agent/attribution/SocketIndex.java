package io.clustertop.agent.attribution;

import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.flow.IpAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sockets of every network namespace on the node at one refresh, and the rule that finds the
 * socket carrying a conversation's local end (docs/RATIONALE.md, "Attribution: which namespace").
 *
 * <p>The capture sees one interface of one namespace, the agent's; the local end of a conversation
 * (its address and port) may belong to a socket in that namespace or in any other whose traffic is
 * routed or bridged through the interface (pods, containers). The rule, most specific first:
 * <ol>
 *   <li>a connected socket with both ends equal to the conversation's (every TCP conversation a
 *       process holds, connected UDP);
 *   <li>else an unconnected UDP socket bound to the local address and port;
 *   <li>else an unconnected UDP socket bound to every address (0.0.0.0, or :: which takes IPv4 too)
 *       on the local port, in a namespace that has the local address.
 * </ol>
 * At every level, a socket in a namespace (other than the capture namespace) that has the
 * conversation's remote address too is left out: a conversation between two of a namespace's own
 * addresses never leaves it, so the copy the capture saw is another namespace's. Then the capture
 * namespace's socket wins; else a socket of one namespace; sockets of several namespaces (the same
 * addresses in isolated namespaces) or several at one level in one namespace (SO_REUSEPORT) make
 * the conversation ambiguous: unattributed, not guessed. A level with no socket passes to the next.
 *
 * <p>Thread safety: built and read by the attribution thread only.
 */
final class SocketIndex {
  /** A network namespace, the process through which its tables were read, and its addresses. */
  record Namespace(long inode, int pid, Set<IpAddress> addresses) {}

  /** A socket and its namespace. */
  record Held(Namespace namespace, Socket socket) {}

  /** What the rule found: a socket, or none, or several that cannot be told apart. */
  record Match(Held held, boolean ambiguous) {
    static final Match NONE = new Match(null, false);
    static final Match AMBIGUOUS = new Match(null, true);

    boolean found() {
      return held != null;
    }
  }

  private record LocalEnd(int protocol, IpAddress address, int port) {}

  private record BothEnds(int protocol, IpAddress local, int localPort, IpAddress remote, int remotePort) {}

  private final long captureNamespace;
  /** Connected sockets by both ends: a server's thousands of connections share a local end. */
  private final Map<BothEnds, List<Held>> connected = new HashMap<>();
  /** Unconnected UDP sockets bound to one address, by it and the port. */
  private final Map<LocalEnd, List<Held>> boundUdp = new HashMap<>();
  /** Unconnected UDP sockets bound to every address, by port. */
  private final Map<Integer, List<Held>> wildcardUdp = new HashMap<>();
  private int sockets;

  /** @param captureNamespace the inode of the namespace the agent captures in */
  SocketIndex(long captureNamespace) {
    this.captureNamespace = captureNamespace;
  }

  void add(Namespace namespace, List<Socket> table) {
    for (Socket s : table) {
      Held h = new Held(namespace, s);
      if (!s.unconnected()) {
        connected.computeIfAbsent(new BothEnds(s.protocol(), s.local(), s.localPort(), s.remote(), s.remotePort()),
            k -> new ArrayList<>(1)).add(h);
      } else if (s.protocol() == Socket.UDP && s.wildcardLocal()) {
        wildcardUdp.computeIfAbsent(s.localPort(), k -> new ArrayList<>(2)).add(h);
      } else if (s.protocol() == Socket.UDP) {
        boundUdp.computeIfAbsent(new LocalEnd(s.protocol(), s.local(), s.localPort()), k -> new ArrayList<>(2)).add(h);
      }
      // An unconnected TCP socket (listening, or bound only) carries no conversation: each
      // accepted connection has its own line.
      sockets++;
    }
  }

  /** Sockets indexed. */
  int size() {
    return sockets;
  }

  Match find(FlowKey key) {
    if (key.protocol() != Socket.TCP && key.protocol() != Socket.UDP) {
      return Match.NONE; // no socket table for other protocols (ICMP answered by the kernel, ...)
    }
    List<Held> both = outside(connected.get(
        new BothEnds(key.protocol(), key.local(), key.localPort(), key.remote(), key.remotePort())), key);
    if (!both.isEmpty()) {
      return decide(both);
    }
    if (key.protocol() == Socket.UDP) {
      List<Held> bound = outside(boundUdp.get(new LocalEnd(key.protocol(), key.local(), key.localPort())), key);
      if (!bound.isEmpty()) {
        return decide(bound);
      }
      List<Held> wildcard = new ArrayList<>(1);
      for (Held h : wildcardUdp.getOrDefault(key.localPort(), List.of())) {
        boolean family = h.socket().local().version() == 6 || key.local().version() == 4;
        if (family && h.namespace().addresses().contains(key.local()) && !insideOneNamespace(h, key)) {
          wildcard.add(h);
        }
      }
      return decide(wildcard);
    }
    return Match.NONE;
  }

  /** The candidates left once those whose namespace keeps the conversation inside are left out. */
  private List<Held> outside(List<Held> candidates, FlowKey key) {
    if (candidates == null) {
      return List.of();
    }
    List<Held> left = new ArrayList<>(candidates.size());
    for (Held h : candidates) {
      if (!insideOneNamespace(h, key)) {
        left.add(h);
      }
    }
    return left;
  }

  /** The socket's namespace has the remote address too: the conversation stays in there. */
  private boolean insideOneNamespace(Held h, FlowKey key) {
    return h.namespace().inode() != captureNamespace && h.namespace().addresses().contains(key.remote());
  }

  private Match decide(List<Held> candidates) {
    if (candidates.isEmpty()) {
      return Match.NONE;
    }
    Held inCapture = null;
    int captureCount = 0;
    for (Held h : candidates) {
      if (h.namespace().inode() == captureNamespace) {
        inCapture = h;
        captureCount++;
      }
    }
    if (captureCount == 1) {
      return new Match(inCapture, false);
    }
    return captureCount == 0 && candidates.size() == 1 ? new Match(candidates.getFirst(), false) : Match.AMBIGUOUS;
  }
}
