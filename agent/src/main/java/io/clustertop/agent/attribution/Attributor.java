package io.clustertop.agent.attribution;

import io.clustertop.core.attribution.Attribution;
import io.clustertop.core.attribution.AttributionLookup;
import io.clustertop.core.attribution.Container;
import io.clustertop.core.attribution.LocalProcess;
import io.clustertop.core.flow.FlowAccumulator;
import io.clustertop.core.flow.FlowKey;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Finds the process, and its container, of each conversation's local end, on a thread of its own.
 *
 * <pre>
 *   aggregation thread (each second)            attribution thread (at most once a second)
 *   offer(interval): keys not known yet  --->   queue --> refresh: one process per network
 *                                                namespace, its tcp/tcp6/udp/udp6 tables and
 *                                                addresses -> SocketIndex (the namespace rule)
 *                                                -> socket inode -> pid (/proc/PID/fd, that
 *                                                namespace's processes first) -> comm, cgroup
 *                                                -> container (and its name from Docker or
 *                                                containerd: ContainerNames)
 *   of(key) for batches and views       <---    found: key -> Attribution (bounded)
 * </pre>
 *
 * <p>Nothing here runs per packet: the aggregation thread walks the interval's table once a second
 * and queues the keys it has not seen; a refresh runs when keys are queued, at most once a second.
 * A conversation whose socket is not found is looked for once more at the next refresh (a TCP
 * connection not yet accepted has no process), then counted unattributed: its socket closed before
 * the refresh, its traffic is forwarded for other hosts, or it is ambiguous (several namespaces).
 * An attribution holds for the conversation (its key) until the {@code maxConversations} limit
 * forgets it, oldest first.
 *
 * <p>Thread safety: {@link #offer} from one thread (the aggregation thread), {@link #of} and
 * {@link #counters} from any; the rest is the attribution thread's.
 */
public final class Attributor implements AttributionLookup, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Attributor.class.getName());
  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long REPORT_NANOS = TimeUnit.MINUTES.toNanos(1);
  private static final String[] TABLES = {"tcp", "tcp6", "udp", "udp6"};

  private final ProcFs proc;
  private final ContainerNames names;
  private final AttributionOptions options;
  private final ThreadMXBean cpu = ManagementFactory.getThreadMXBean();

  private final ConcurrentHashMap<FlowKey, Attribution> found = new ConcurrentHashMap<>();
  private final Set<FlowKey> queued = ConcurrentHashMap.newKeySet();
  private final AtomicInteger queuedCount = new AtomicInteger();
  private volatile Thread thread;
  private volatile boolean closed;

  // The attribution thread's.
  private final ArrayDeque<FlowKey> foundOrder = new ArrayDeque<>();
  /** Keys whose first look found no socket: looked for once more. */
  private Set<FlowKey> secondLook = new HashSet<>();
  private final Map<Long, Integer> inodeOwners = new HashMap<>();
  private long lastRefresh = System.nanoTime() - REFRESH_NANOS;
  private long lastReport = System.nanoTime();
  private AttributionCounters reported;

  // Written by the attribution thread only, read by any.
  private volatile long refreshes;
  private volatile long attributed;
  private volatile long unattributed;
  private volatile long ambiguous;
  private volatile long forgotten;
  private volatile long queueFull;
  private volatile int namespaces;
  private volatile int sockets;
  private volatile long refreshCpuNanos;
  private volatile long lastRefreshCpuNanos;

  /** Reads the host's /proc, names containers through Docker's and containerd's APIs (the options' sockets). */
  public Attributor(AttributionOptions options) {
    this(ProcFs.HOST, options.containerNames(), options);
  }

  Attributor(ProcFs proc, ContainerNames names, AttributionOptions options) {
    this.proc = proc;
    this.names = names;
    this.options = options;
  }

  /** Starts the attribution thread. */
  public void start() {
    Thread t = Thread.ofPlatform().daemon().name("attribution").unstarted(this::run);
    thread = t;
    t.start();
    LOG.log(System.Logger.Level.INFO, "attribution: started (sockets of every network namespace, at most {0} conversations kept)",
        options.maxConversations());
  }

  /** Aggregation thread: queues the interval's conversations not looked for yet, and wakes the attribution thread. */
  public void offer(FlowAccumulator flows) {
    boolean added = false;
    for (int e = 0; e < flows.size(); e++) {
      FlowKey key = flows.key(e);
      if (found.containsKey(key) || queued.contains(key)) {
        continue;
      }
      if (queuedCount.get() >= options.maxQueued()) {
        queueFull++; // a benign race with the attribution thread's writes: a counter, not a decision
        continue;
      }
      if (queued.add(key)) {
        queuedCount.incrementAndGet();
        added = true;
      }
    }
    Thread t = thread;
    if (added && t != null) {
      LockSupport.unpark(t);
    }
  }

  @Override
  public Attribution of(FlowKey key) {
    return found.get(key);
  }

  public AttributionCounters counters() {
    return new AttributionCounters(refreshes, attributed, unattributed, ambiguous, forgotten, queueFull, namespaces,
        sockets, refreshCpuNanos, lastRefreshCpuNanos, names.lists(), names.failures());
  }

  @Override
  public void close() {
    closed = true;
    Thread t = thread;
    if (t != null) {
      LockSupport.unpark(t);
      try {
        t.join(TimeUnit.SECONDS.toMillis(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    names.close();
  }

  private void run() {
    while (!closed) {
      long wait = lastRefresh + REFRESH_NANOS - System.nanoTime();
      if (queued.isEmpty() && secondLook.isEmpty()) {
        LockSupport.parkNanos(this, REFRESH_NANOS);
      } else if (wait > 0) {
        LockSupport.parkNanos(this, wait);
      } else {
        try {
          refresh();
        } catch (RuntimeException e) {
          LOG.log(System.Logger.Level.WARNING, "attribution: a refresh failed, trying again in a second", e);
        }
        lastRefresh = System.nanoTime();
      }
      report();
    }
  }

  /** One pass: the queued keys and those due a second look, against the node's sockets as they are now. */
  void refresh() {
    long cpuStart = cpu.getCurrentThreadCpuTime();
    List<FlowKey> keys = new ArrayList<>(secondLook);
    for (FlowKey k : queued) {
      keys.add(k);
    }
    boolean tcp = keys.stream().anyMatch(k -> k.protocol() == Socket.TCP);
    boolean udp = keys.stream().anyMatch(k -> k.protocol() == Socket.UDP);
    Set<FlowKey> missed = new HashSet<>();
    Tables tables = tcp || udp ? readTables(tcp, udp) : null;
    names.newRefresh();
    Map<Integer, LocalProcess> processes = new HashMap<>();
    for (FlowKey key : keys) {
      if (key.protocol() != Socket.TCP && key.protocol() != Socket.UDP) {
        put(key, Attribution.UNATTRIBUTED); // no socket table has them: ICMP, answered by the kernel
        unattributed++;
        continue;
      }
      SocketIndex.Match m = tables.index.find(key);
      LocalProcess p = m.found() ? process(m.held(), tables, processes) : null;
      if (p != null) {
        put(key, new Attribution(p));
        attributed++;
      } else if (m.ambiguous() || secondLook.contains(key)) {
        put(key, Attribution.UNATTRIBUTED);
        unattributed++;
        if (m.ambiguous()) {
          ambiguous++;
        }
      } else {
        missed.add(key);
      }
    }
    for (FlowKey k : keys) {
      if (queued.remove(k)) {
        queuedCount.decrementAndGet();
      }
    }
    secondLook = missed;
    refreshes++;
    long spent = cpu.getCurrentThreadCpuTime() - cpuStart;
    lastRefreshCpuNanos = spent;
    refreshCpuNanos += spent;
  }

  private void put(FlowKey key, Attribution a) {
    if (found.put(key, a) == null) {
      foundOrder.add(key);
    }
    while (found.size() > options.maxConversations()) {
      found.remove(foundOrder.poll());
      forgotten++;
    }
  }

  /** The node's sockets, one process per network namespace, and every process's namespace. */
  private record Tables(SocketIndex index, Map<Long, List<Integer>> pidsByNamespace, Set<Long> scanned) {}

  /** Only the tables of the protocols asked for: the kernel walks every socket of its kind to write one. */
  private Tables readTables(boolean tcp, boolean udp) {
    SocketIndex index = new SocketIndex(proc.ownNetworkNamespace());
    Map<Long, List<Integer>> pidsByNamespace = new HashMap<>();
    for (int pid : proc.pids()) {
      long ns = proc.networkNamespace(pid);
      if (ns >= 0) {
        pidsByNamespace.computeIfAbsent(ns, k -> new ArrayList<>()).add(pid);
      }
    }
    for (Map.Entry<Long, List<Integer>> e : pidsByNamespace.entrySet()) {
      for (int pid : e.getValue()) { // the first process whose tables can be read stands for its namespace
        List<Socket> table = new ArrayList<>();
        boolean read = false;
        for (String name : TABLES) {
          if (!(name.startsWith("tcp") ? tcp : udp)) {
            continue;
          }
          List<String> lines = proc.net(pid, name);
          read |= !lines.isEmpty();
          table.addAll(SocketTableParser.parse(lines, name.startsWith("tcp") ? Socket.TCP : Socket.UDP));
        }
        if (read) {
          index.add(new SocketIndex.Namespace(e.getKey(), pid,
              NamespaceAddresses.read(proc.net(pid, "fib_trie"), proc.net(pid, "if_inet6"))), table);
          break;
        }
      }
    }
    namespaces = pidsByNamespace.size();
    sockets = index.size();
    return new Tables(index, pidsByNamespace, new HashSet<>());
  }

  /** The process holding the socket: its namespace's processes looked through first, then every other. */
  private LocalProcess process(SocketIndex.Held held, Tables tables, Map<Integer, LocalProcess> processes) {
    long inode = held.socket().inode();
    Integer pid = inodeOwners.get(inode);
    if (pid == null || proc.networkNamespace(pid) < 0) {
      scanDescriptors(held.namespace().inode(), tables);
      pid = inodeOwners.get(inode);
      for (Long ns : tables.pidsByNamespace().keySet()) {
        if (pid != null) {
          break;
        }
        scanDescriptors(ns, tables);
        pid = inodeOwners.get(inode);
      }
    }
    if (pid == null) {
      return null; // closed since the table was read
    }
    int owner = pid;
    LocalProcess known = processes.get(owner);
    if (known != null) {
      return known;
    }
    String command = proc.command(owner);
    if (command == null) {
      return null; // ended meanwhile
    }
    Container container = CgroupContainers.of(proc.cgroup(owner));
    LocalProcess p = new LocalProcess(owner, command, held.namespace().inode(),
        container == null ? null : names.named(container));
    processes.put(owner, p);
    return p;
  }

  /** Reads the socket descriptors of a namespace's processes, once per refresh. */
  private void scanDescriptors(long namespace, Tables tables) {
    if (!tables.scanned().add(namespace)) {
      return;
    }
    if (inodeOwners.size() > 4 * options.maxConversations()) {
      inodeOwners.clear(); // a bound: owners of closed sockets are not worth keeping
    }
    for (int pid : tables.pidsByNamespace().getOrDefault(namespace, List.of())) {
      proc.socketInodes(pid, inode -> inodeOwners.put(inode, pid));
    }
  }

  private void report() {
    long now = System.nanoTime();
    if (now - lastReport < REPORT_NANOS) {
      return;
    }
    lastReport = now;
    AttributionCounters c = counters();
    if (!c.equals(reported)) {
      reported = c;
      LOG.log(System.Logger.Level.INFO,
          "attribution: {0} namespaces, {1} sockets; {2} conversations attributed, {3} unattributed ({4} ambiguous), "
              + "{5} forgotten (limit), {6} queue full; latest refresh {7} ms CPU; container names: {8} answers, {9} failures",
          c.namespaces(), c.sockets(), c.attributed(), c.unattributed(), c.ambiguous(), c.forgotten(), c.queueFull(),
          String.format("%.1f", c.lastRefreshCpuNanos() / 1e6), c.nameLists(), c.nameFailures());
    }
  }
}
