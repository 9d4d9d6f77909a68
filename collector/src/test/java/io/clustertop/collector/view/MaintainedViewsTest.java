package io.clustertop.collector.view;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.hello;
import static io.clustertop.collector.AgentMessages.ip;
import static io.clustertop.collector.AgentMessages.volume;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.LocalViews;
import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.watch.SnapshotCut;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.core.cost.CostConfigParser;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.rows.Grouping;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.view.PortDisplay;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.FlowState;
import io.clustertop.proto.v1.FullState;
import io.clustertop.proto.v1.Gap;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every view kept up to date as batches arrive equals a view built from scratch from the same state,
 * for every grouping, scope and display, through seeded random runs of several agents: batches of
 * conversations between nodes and with the outside, duplicates, batches out of order (held), gaps,
 * reconnections, full states, agent restarts (a new epoch), new agent ids for a node (the old one
 * retired), folds past the per-agent and the collector-wide limits, agents dropped after the expiry,
 * and agents back after being dropped.
 *
 * <p>What is compared, exactly: every row (its ends, names, protocol, bytes and packets each way,
 * the three averages of both, its conversations, the nodes that reported it, its cost so far and
 * per hour), the order of the rows, "other", the totals, the view's conversations, its node
 * statuses and counters, its currency and cost. Peaks are compared as bounds: a maintained row's
 * (or the totals') peak is at least the one built from scratch (which is a lower bound: the highest
 * of its conversations' peaks and of its own slots still held), and may be higher (it keeps the
 * peaks of slots whose conversations were folded or left since). And, for every view: its rows and
 * "other" add up to its totals.
 *
 * <p>A failure names its seed, step and the last steps taken. To run one seed, or more of them, or
 * to compare after every step: the environment variables {@code SEED=17}, {@code SEEDS=400},
 * {@code EVERY_STEP=1}; {@code RUNS=50} for more runs of the test with threads.
 */
class MaintainedViewsTest {
  private static final String[] NODES = {"n1", "n2", "n3", "n4"};
  private static final String[] OUTSIDE = {"203.0.113.1", "203.0.113.2", "198.51.100.7", "192.0.2.9", "8.8.8.8"};
  private static final String[] OUTSIDE_V6 = {"2001:db8::1", "2001:db8::2"};
  private static final int STEPS = 260;

  static LongStream seeds() {
    return System.getenv("SEED") != null ? LongStream.of(Long.parseLong(System.getenv("SEED")))
        : LongStream.rangeClosed(1, System.getenv("SEEDS") != null ? Long.parseLong(System.getenv("SEEDS")) : 24);
  }

  /** Runs of the test with threads: {@code RUNS=50} for more. */
  static LongStream runs() {
    return LongStream.rangeClosed(1, System.getenv("RUNS") != null ? Long.parseLong(System.getenv("RUNS")) : 3);
  }

  /** The views kept: every grouping in the cluster and in two nodes' own views, host pairs shown five ways and for two pods. */
  private static List<ViewSpec> specs() {
    List<ViewSpec> specs = new ArrayList<>();
    for (String scope : new String[] {"", "n1", "n3"}) {
      for (Grouping g : Grouping.values()) {
        if (g == Grouping.HOST_PAIRS) {
          specs.add(new ViewSpec(g, scope, true, true, PortDisplay.OFF));
          specs.add(new ViewSpec(g, scope, false, true, PortDisplay.OFF));
          specs.add(new ViewSpec(g, scope, true, false, PortDisplay.OFF));
          specs.add(new ViewSpec(g, scope, true, true, PortDisplay.ON));
          specs.add(new ViewSpec(g, scope, true, true, PortDisplay.SOURCE_ONLY));
          // pods' own views: one with an address of its own, one of the host network (by container)
          specs.add(new ViewSpec(g, scope, true, true, PortDisplay.ON, "etl/batch-7d9f-n2"));
          specs.add(new ViewSpec(g, scope, true, true, PortDisplay.OFF, "infra/edge-n1"));
        } else {
          specs.add(new ViewSpec(g, scope, true, true, PortDisplay.OFF));
        }
      }
    }
    return specs;
  }

  private static WatchRequest request(ViewSpec spec) {
    return WatchRequest.newBuilder()
        .setGrouping(ViewWire.toProto(spec.grouping()))
        .setNode(spec.node())
        .setPod(spec.pod())
        .setHideSource(!spec.showSource())
        .setHideDestination(!spec.showDestination())
        .setPorts(switch (spec.ports()) {
          case OFF -> io.clustertop.proto.v1.PortDisplay.PORTS_OFF;
          case SOURCE_ONLY -> io.clustertop.proto.v1.PortDisplay.PORTS_SOURCE_ONLY;
          case DESTINATION_ONLY -> io.clustertop.proto.v1.PortDisplay.PORTS_DESTINATION_ONLY;
          case ON -> io.clustertop.proto.v1.PortDisplay.PORTS_ON;
        })
        .setLimit(10_000)
        .build();
  }

  /** One simulated agent: what it sent in its epoch, as it would state it. */
  private static final class Agent {
    final int id;
    final String node;
    final String address;
    final String address6;
    long epoch = 1;
    long nextSequence = 1;
    Object stream;
    final Map<FlowKey, long[]> cumulative = new LinkedHashMap<>();
    /** Per conversation what attribution found: 0 not yet, -1 no socket, else 1 + the index in {@link #PROCESSES}. */
    final Map<FlowKey, Integer> owners = new HashMap<>();
    final long[] total = new long[4];
    /** A batch sent ahead of the one before it, waiting for it. */
    DeltaBatch skipped;

    Agent(int id, String node) {
      this.id = id;
      this.node = node;
      this.address = "10.77.0." + (node.charAt(1) - '0');
      this.address6 = "fd77::" + (node.charAt(1) - '0');
    }
  }

  /**
   * The processes each node's agent names: in a container of a pod of the host network (found by
   * its container id), in none, in a container of a pod with an address of its own; the pods'
   * containers are the node's own ("c-n1-web" ...).
   */
  private static final String[][] PROCESSES = {{"100", "nginx", "web"}, {"200", "java", ""}, {"300", "curl", "batch"}};

  private static io.clustertop.proto.v1.LocalProcess process(int index, List<io.clustertop.proto.v1.Container> into,
      String node) {
    String[] p = PROCESSES[index];
    io.clustertop.proto.v1.LocalProcess.Builder b = io.clustertop.proto.v1.LocalProcess.newBuilder()
        .setPid(Integer.parseInt(p[0])).setCommand(p[1]).setNetworkNamespace(4026531992L);
    if (!p[2].isEmpty()) {
      into.add(io.clustertop.proto.v1.Container.newBuilder().setId(containerId(node, p[2])).setRuntime("containerd")
          .setName(p[2]).build());
      b.setContainer(into.size());
    }
    return b.build();
  }

  private static String containerId(String node, String name) {
    return String.format("%064x", (long) (node + name).hashCode() & 0xFFFF_FFFFL);
  }

  /** A node's pod with an address of its own: its conversations' local end, now and then. */
  private static String podAddress(String node) {
    return "10.77.1" + node.charAt(1) + ".1";
  }

  /**
   * The pods and Services the collector reads: per node a pod of the host network (its "web"
   * container) of the DaemonSet "edge" in "infra", and a pod with an address of its own (its "batch"
   * container) of the Deployment "batch" in "etl" (through a ReplicaSet); one Service, whose ClusterIP
   * is one of the remote ends.
   */
  private static io.clustertop.kubernetes.MetadataStore metadata() {
    var store = new io.clustertop.kubernetes.MetadataStore(io.clustertop.kubernetes.MetadataLimits.defaults(),
        io.clustertop.kubernetes.ApiConnection.none());
    store.owner(new io.clustertop.kubernetes.OwnerFacts("rs-1", "ReplicaSet", "etl", "batch-7d9f",
        new io.clustertop.kubernetes.Owner("Deployment", "batch", "d-1")));
    for (String node : NODES) {
      store.pod(new io.clustertop.kubernetes.PodFacts("edge-" + node, "infra", "edge-" + node, node, true, List.of(),
          T0, 0, List.of(containerId(node, "web")), new io.clustertop.kubernetes.Owner("DaemonSet", "edge", "ds-1")), T0);
      store.pod(new io.clustertop.kubernetes.PodFacts("batch-" + node, "etl", "batch-7d9f-" + node, node, false,
          List.of(io.clustertop.core.flow.IpAddress.parse(podAddress(node))), T0, 0, List.of(containerId(node, "batch")),
          new io.clustertop.kubernetes.Owner("ReplicaSet", "batch-7d9f", "rs-1")), T0);
    }
    store.service(new io.clustertop.kubernetes.ServiceFacts("svc-1", "default", "object-store",
        List.of(io.clustertop.core.flow.IpAddress.parse("203.0.113.2")), T0), T0);
    return store;
  }

  private final Random random = new Random();
  private final AtomicLong clock = new AtomicLong(T0 + SECOND);
  private CostConfig cost;
  private MergeStore merge;
  private LocalAgents streams;
  private ViewRegistry maintained;
  private final List<Agent> agents = new ArrayList<>();
  private int nextId = 1;
  private long seed;
  private int step;
  /** What the run did last, for a failure's message. */
  private final java.util.ArrayDeque<String> trace = new java.util.ArrayDeque<>();

  private void note(String what) {
    trace.addLast(step + ": " + what + " @" + (clock.get() - T0) / 1_000_000 + " ms");
    if (trace.size() > 40) {
      trace.removeFirst();
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyMaintainedViewEqualsOneBuiltFromScratch(long seed) throws Exception {
    this.seed = seed;
    random.setSeed(seed);
    cost = CostConfigParser.parse("network object-store 203.0.113.0/25\nprice object-store egress 0.001\n", "t");
    IngestLimits limits = IngestLimits.defaults().withConversations(10, 30);
    CollectorMetrics metrics = new CollectorMetrics();
    merge = new MergeStore(clock::get, limits, metrics, cost.classifier(),
        new io.clustertop.collector.placement.Placer(metadata(), 1000));
    streams = new LocalAgents(merge, limits, metrics, clock::get);
    maintained = new ViewRegistry(merge, metrics);
    for (ViewSpec spec : specs()) {
      maintained.acquire(spec);
    }
    for (String node : NODES) {
      agents.add(new Agent(nextId++, node));
    }
    for (step = 0; step < STEPS; step++) {
      int action = random.nextInt(100);
      Agent a = agents.get(random.nextInt(agents.size()));
      if (a.stream == null) {
        connect(a);
      } else if (action < 60) {
        batch(a);
      } else if (action < 66) {
        disconnect(a);
      } else if (action < 70) {
        disconnect(a);
        a.epoch++;
        a.nextSequence = 1;
        a.cumulative.clear();
        a.owners.clear();
        java.util.Arrays.fill(a.total, 0);
        a.skipped = null;
        connect(a); // restarted: a new epoch
      } else if (action < 73) {
        disconnect(a);
        agents.remove(a);
        Agent successor = new Agent(nextId++, a.node); // a restart without its state: a new id
        agents.add(successor);
        connect(successor);
      } else if (action < 76) {
        fullState(a);
      } else if (action < 90) {
        clock.addAndGet(random.nextInt(2500) * 1_000_000L + 1);
      } else if (action < 92) {
        clock.addAndGet(61 * SECOND); // the disconnected are gone longer than the expiry
        note("expire");
        merge.expire();
      } else {
        compare();
      }
      if (System.getenv("EVERY_STEP") != null) {
        compare();
      }
    }
    compare();
  }

  private void connect(Agent a) {
    note("connect " + a.id + "/" + a.node + " epoch " + a.epoch + " next " + a.nextSequence);
    a.stream = new Object();
    Hello h = hello(a.node, a.id, a.epoch, a.address, a.address6);
    Ack ack = streams.hello(a.stream, h.toBuilder().setNewestSequence(a.nextSequence - 1)
        .setOldestHeldSequence(a.nextSequence).build());
    if (ack.getSendFullState() && a.nextSequence > 1) {
      fullState(a);
    }
  }

  private void disconnect(Agent a) {
    note("disconnect " + a.id);
    streams.disconnect(a.stream);
    a.stream = null;
    a.skipped = null; // the agent sends it again: as part of its full state when it comes back
  }

  private FlowKey key(Agent a) {
    boolean v6 = random.nextInt(5) == 0;
    String remote = random.nextInt(3) == 0
        ? (v6 ? "fd77::" : "10.77.0.") + (1 + random.nextInt(NODES.length))
        : v6 ? OUTSIDE_V6[random.nextInt(OUTSIDE_V6.length)] : OUTSIDE[random.nextInt(OUTSIDE.length)];
    int[][] ports = {{40_000 + random.nextInt(6), 443}, {53, 53_000 + random.nextInt(3)}, {8080, 58_890}};
    int[] p = ports[random.nextInt(ports.length)];
    String local = v6 ? a.address6 : random.nextInt(4) == 0 ? podAddress(a.node) : a.address;
    return FlowKey.newBuilder().setLocalAddress(ip(local)).setRemoteAddress(ip(remote))
        .setLocalPort(p[0]).setRemotePort(p[1]).setProtocol(random.nextBoolean() ? 6 : 17).build();
  }

  private void batch(Agent a) {
    if (a.skipped != null && random.nextBoolean()) {
      send(a, a.skipped); // the one held back, at last
      a.skipped = null;
      return;
    }
    long sequence = a.nextSequence++;
    DeltaBatch.Builder b = DeltaBatch.newBuilder().setSequence(sequence)
        .setStartUnixNanos(clock.get() - SECOND).setEndUnixNanos(clock.get());
    long[] sum = new long[4];
    int flows = 1 + random.nextInt(6);
    List<io.clustertop.proto.v1.Container> containers = new ArrayList<>();
    Map<Integer, Integer> refs = new HashMap<>();
    for (int i = 0; i < flows; i++) {
      // Now and then more than an int holds in a slot (8 Gbit/s): the rings' escape to long.
      long big = random.nextInt(40) == 0 ? 3_000_000_000L : 0;
      long[] v = {random.nextInt(3) == 0 ? 0 : big + 1 + random.nextInt(5000), 0,
          random.nextInt(2) == 0 ? 0 : 1 + random.nextInt(3000), 0};
      v[1] = v[0] == 0 ? 0 : 1 + v[0] / 1000;
      v[3] = v[2] == 0 ? 0 : 1 + v[2] / 1000;
      FlowKey k = key(a);
      int owner = a.owners.getOrDefault(k, 0);
      if (owner == 0 && random.nextInt(3) != 0) { // attribution found it since (or found nothing)
        owner = random.nextInt(5) == 0 ? -1 : 1 + random.nextInt(PROCESSES.length);
        a.owners.put(k, owner);
      }
      FlowDelta.Builder d = FlowDelta.newBuilder().setKey(k).setVolume(volume(v[0], v[1], v[2], v[3]));
      if (owner > 0) {
        int o = owner;
        d.setProcess(refs.computeIfAbsent(o, x -> {
          b.addProcesses(process(x - 1, containers, a.node));
          return b.getProcessesCount();
        }));
      } else if (owner < 0) {
        d.setUnattributed(true);
      }
      b.addFlows(d);
      long[] c = a.cumulative.computeIfAbsent(k, x -> new long[4]);
      for (int f = 0; f < 4; f++) {
        c[f] += v[f];
        sum[f] += v[f];
      }
    }
    if (random.nextInt(4) == 0) { // conversations the agent cut from the batch
      sum[0] += random.nextInt(700);
      sum[1] += 1;
      sum[2] += random.nextInt(300);
      sum[3] += 1;
    }
    for (int f = 0; f < 4; f++) {
      a.total[f] += sum[f];
    }
    b.setTotal(volume(sum[0], sum[1], sum[2], sum[3])).addAllContainers(containers);
    int fate = random.nextInt(10);
    if (fate == 0 && a.skipped == null) {
      a.skipped = b.build(); // sent later: the next one is held until it comes
    } else if (fate == 1 && a.skipped == null && sequence > 1) {
      // This one is lost: the next batch carries the gap (its traffic stays in the agent's state).
      DeltaBatch lost = b.build();
      long next = a.nextSequence++;
      DeltaBatch.Builder after = DeltaBatch.newBuilder().setSequence(next)
          .setStartUnixNanos(clock.get() - SECOND).setEndUnixNanos(clock.get())
          .setTotal(volume(0, 0, 0, 0))
          .setGap(Gap.newBuilder().setFirstSequence(sequence).setLastSequence(sequence)
              .setStartUnixNanos(lost.getStartUnixNanos()).setEndUnixNanos(lost.getEndUnixNanos()));
      send(a, after.build());
    } else {
      send(a, b.build());
      if (random.nextInt(12) == 0) {
        send(a, b.build()); // a duplicate: acknowledged again, not counted
      }
    }
  }

  private void send(Agent a, DeltaBatch batch) {
    note("batch " + a.id + " #" + batch.getSequence() + " flows " + batch.getFlowsCount()
        + (batch.hasGap() ? " gap" : ""));
    streams.batch(a.stream, batch);
  }

  /** Everything the agent counted in its epoch, as it would state it. */
  private void fullState(Agent a) {
    if (a.nextSequence == 1) {
      return;
    }
    FullState.Builder s = FullState.newBuilder().setSequence(a.nextSequence - 1)
        .setFirstSlotStartUnixNanos(SlotClock.startOf(SlotClock.slotOf(clock.get())) - 2 * SECOND);
    long[] flowSum = new long[4];
    List<io.clustertop.proto.v1.Container> containers = new ArrayList<>();
    Map<Integer, Integer> refs = new HashMap<>();
    for (Map.Entry<FlowKey, long[]> e : a.cumulative.entrySet()) {
      long[] c = e.getValue();
      FlowState.Builder f = FlowState.newBuilder().setKey(e.getKey()).setCumulative(volume(c[0], c[1], c[2], c[3]));
      int owner = a.owners.getOrDefault(e.getKey(), 0);
      if (owner > 0) {
        f.setProcess(refs.computeIfAbsent(owner, x -> {
          s.addProcesses(process(x - 1, containers, a.node));
          return s.getProcessesCount();
        }));
      } else if (owner < 0) {
        f.setUnattributed(true);
      }
      if (random.nextBoolean()) { // part of it in the last two slots
        f.addSlots(volume(c[0] / 4, c[1] / 4, c[2] / 4, c[3] / 4)).addSlots(volume(c[0] / 3, c[1] / 3, c[2] / 3, c[3] / 3));
        flowSum[0] += c[0] / 4 + c[0] / 3;
        flowSum[1] += c[1] / 4 + c[1] / 3;
        flowSum[2] += c[2] / 4 + c[2] / 3;
        flowSum[3] += c[3] / 4 + c[3] / 3;
      }
      s.addFlows(f);
    }
    // The totals' slots hold the flows' slots, all in the second.
    s.setTotal(volume(a.total[0], a.total[1], a.total[2], a.total[3])).addAllContainers(containers)
        .addTotalSlots(volume(0, 0, 0, 0))
        .addTotalSlots(volume(flowSum[0], flowSum[1], flowSum[2], flowSum[3]));
    List<FlowState> flows = new ArrayList<>(s.getFlowsList());
    s.clearFlows();
    for (FlowState f : flows) {
      // The first slot is empty for every flow: move each flow's slots one later.
      s.addFlows(f.getSlotsCount() == 0 ? f : f.toBuilder().clearSlots().addSlots(volume(0, 0, 0, 0))
          .addSlots(volume(f.getSlots(0).getSent().getBytes() + f.getSlots(1).getSent().getBytes(),
              f.getSlots(0).getSent().getPackets() + f.getSlots(1).getSent().getPackets(),
              f.getSlots(0).getReceived().getBytes() + f.getSlots(1).getReceived().getBytes(),
              f.getSlots(0).getReceived().getPackets() + f.getSlots(1).getReceived().getPackets())).build());
    }
    note("full state " + a.id + " #" + (a.nextSequence - 1));
    streams.fullState(a.stream, s.build());
    a.skipped = null;
  }

  /** Every maintained view against a view built from scratch, as of the latest completed slot now. */
  private void compare() {
    compare(specs());
  }

  private void compare(List<ViewSpec> watched) {
    long latest = SlotClock.latestCompleted(clock.get());
    maintained.refresh();
    for (ViewSpec spec : watched) {
      WatchRequest request = request(spec);
      Frame frame = maintained.frame(spec, latest);
      Snapshot kept = ViewWire.fromProto(SnapshotCut.of(request, frame, cost.prices(), SnapshotCut.nodes(frame)));
      ViewSnapshot scratch = LocalViews.view(merge, request, latest, cost.prices());
      Snapshot built = ViewWire.fromProto(scratch);
      String where = "seed " + seed + ", step " + step + ", " + spec + " (last steps: " + String.join("; ", trace) + ")";
      assertEquals(built.rows().size(), kept.rows().size(), where + ": rows " + built.rows() + " / " + kept.rows());
      for (int i = 0; i < built.rows().size(); i++) {
        assertRow(built.rows().get(i), kept.rows().get(i), where + ", row " + i + " built " + built.rows().get(i)
            + " kept " + kept.rows().get(i));
      }
      if (built.other() == null || kept.other() == null) {
        assertEquals(built.other(), kept.other(), where + ": other");
      } else {
        assertRow(built.other(), kept.other(), where + ": other");
      }
      assertTraffic(built.totals().sent(), kept.totals().sent(), where + ": totals sent");
      assertTraffic(built.totals().received(), kept.totals().received(), where + ": totals received");
      assertTrue(kept.totals().peakTotalBytesPerSecond() >= built.totals().peakTotalBytesPerSecond(), where + ": peak");
      assertEquals(built.conversations(), kept.conversations(), where + ": conversations");
      assertEquals(built.nodes(), kept.nodes(), where + ": nodes");
      assertEquals(built.counters(), kept.counters(), where + ": counters");
      assertEquals(built.currency(), kept.currency(), where + ": currency");
      assertEquals(built.cost(), kept.cost(), where + ": cost");
      assertAddsUp(kept, where);
    }
  }

  /**
   * The same, with everything at once: agents sending batches on threads of their own, new agents
   * joining (their addresses the remote ends of conversations held: tags and shares change, the views
   * are built again) while views are built for first subscribers, read for publications, and
   * dropped, as a collector's threads do. Once all is still, every view still watched equals one
   * built from scratch: no batch counted twice or missed by a view built while it was applied.
   */
  @ParameterizedTest(name = "run {0}")
  @MethodSource("runs")
  void viewsBuiltWhileBatchesArriveCountEachBatchOnce(long run) throws Exception {
    seed = -1;
    cost = CostConfigParser.parse("network object-store 203.0.113.0/25\nprice object-store egress 0.001\n", "t");
    IngestLimits limits = IngestLimits.defaults().withConversations(40, 150);
    CollectorMetrics metrics = new CollectorMetrics();
    merge = new MergeStore(clock::get, limits, metrics, cost.classifier());
    maintained = new ViewRegistry(merge, metrics);
    List<ViewSpec> all = specs();
    java.util.Set<ViewSpec> watched = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int i = 0; i < all.size(); i += 2) { // half watched from the start, the rest built on the way
      maintained.acquire(all.get(i));
      watched.add(all.get(i));
    }
    String[] newcomers = {"10.77.1.1", "10.77.1.2", "10.77.1.3"};
    java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int n = 0; n < NODES.length; n++) {
      String node = NODES[n];
      int id = n + 1;
      threads.add(new Thread(() -> {
        Random r = new Random(id);
        LocalAgents mine = new LocalAgents(merge, limits, metrics, clock::get);
        String local = "10.77.0." + id;
        Object stream = new Object();
        mine.hello(stream, hello(node, id, 1, local));
        String[] remotes = {"10.77.0.1", "10.77.0.2", "10.77.0.3", "10.77.0.4", newcomers[0], newcomers[1],
            newcomers[2], OUTSIDE[0], OUTSIDE[1], OUTSIDE[2]};
        for (long sequence = 1; sequence <= 400; sequence++) {
          FlowDelta[] flows = new FlowDelta[1 + r.nextInt(5)];
          for (int f = 0; f < flows.length; f++) {
            String remote = remotes[r.nextInt(remotes.length)];
            long sent = r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(5000);
            long received = r.nextInt(2) == 0 ? 0 : 1 + r.nextInt(3000);
            flows[f] = FlowDelta.newBuilder()
                .setKey(FlowKey.newBuilder().setLocalAddress(ip(local)).setRemoteAddress(ip(remote))
                    .setLocalPort(40_000 + r.nextInt(30)).setRemotePort(443).setProtocol(6))
                .setVolume(volume(sent, sent == 0 ? 0 : 1, received, received == 0 ? 0 : 1)).build();
          }
          mine.batch(stream, io.clustertop.collector.AgentMessages.batch(sequence, clock.get(), flows));
          if (r.nextInt(60) == 0) {
            mine.disconnect(stream); // back at once, in the same epoch
            stream = new Object();
            mine.hello(stream, hello(node, id, 1, local).toBuilder().setNewestSequence(sequence)
                .setOldestHeldSequence(sequence + 1).build());
          }
        }
      }, "agent " + node));
    }
    threads.add(new Thread(() -> {
      LocalAgents theirs = new LocalAgents(merge, limits, metrics, clock::get);
      for (int i = 0; i < newcomers.length; i++) {
        java.util.concurrent.locks.LockSupport.parkNanos(3_000_000);
        theirs.hello(new Object(), hello("new" + i, 100 + i, 1, newcomers[i]));
      }
    }, "newcomers"));
    threads.add(new Thread(() -> {
      Random r = new Random(99);
      while (sending.get()) {
        ViewSpec spec = all.get(r.nextInt(all.size()));
        if (watched.add(spec)) {
          maintained.acquire(spec); // a first subscriber: built while batches arrive
        } else if (r.nextInt(3) == 0) {
          maintained.release(spec);
          watched.remove(spec);
        }
        clock.addAndGet(r.nextInt(300) * 1_000_000L);
        long latest = SlotClock.latestCompleted(clock.get());
        maintained.refresh(); // a publication
        for (ViewSpec w : watched) {
          maintained.frame(w, latest);
        }
      }
    }, "views"));
    for (Thread t : threads) {
      t.setUncaughtExceptionHandler((x, e) -> failure.compareAndSet(null, e));
      t.start();
    }
    for (Thread t : threads.subList(0, NODES.length + 1)) {
      t.join();
    }
    sending.set(false);
    threads.getLast().join();
    if (failure.get() != null) {
      throw new AssertionError("a thread failed", failure.get());
    }
    compare(List.copyOf(watched));
  }

  private static void assertRow(Row built, Row kept, String where) {
    assertEquals(built.left(), kept.left(), where + ": left");
    assertEquals(built.right(), kept.right(), where + ": right");
    assertEquals(built.protocol(), kept.protocol(), where + ": protocol");
    assertEquals(built.conversations(), kept.conversations(), where + ": conversations");
    assertEquals(built.nodes(), kept.nodes(), where + ": nodes");
    assertEquals(built.cost(), kept.cost(), where + ": cost");
    assertTraffic(built.sent(), kept.sent(), where + ": sent");
    assertTraffic(built.received(), kept.received(), where + ": received");
  }

  private static void assertTraffic(Traffic built, Traffic kept, String where) {
    assertEquals(built.bytes(), kept.bytes(), where + " bytes");
    assertEquals(built.packets(), kept.packets(), where + " packets");
    assertEquals(built.bytesPerSecond(), kept.bytesPerSecond(), where + " byte rates");
    assertEquals(built.packetsPerSecond(), kept.packetsPerSecond(), where + " packet rates");
    if (Double.isNaN(built.peakBytesPerSecond())) {
      assertTrue(Double.isNaN(kept.peakBytesPerSecond()), where + " peak unknown");
    } else {
      assertTrue(kept.peakBytesPerSecond() >= built.peakBytesPerSecond(),
          where + " peak " + kept.peakBytesPerSecond() + " below " + built.peakBytesPerSecond());
    }
  }

  /** Rows and "other" add up to the totals, both ways, bytes and packets. */
  private static void assertAddsUp(Snapshot s, String where) {
    long[] sum = new long[4];
    List<Row> all = new ArrayList<>(s.rows());
    if (s.other() != null) {
      all.add(s.other());
    }
    for (Row r : all) {
      sum[0] += r.sent().bytes();
      sum[1] += r.sent().packets();
      sum[2] += r.received().bytes();
      sum[3] += r.received().packets();
    }
    assertEquals(s.totals().sent().bytes(), sum[0], where + ": rows + other = totals, sent bytes");
    assertEquals(s.totals().sent().packets(), sum[1], where + ": sent packets");
    assertEquals(s.totals().received().bytes(), sum[2], where + ": received bytes");
    assertEquals(s.totals().received().packets(), sum[3], where + ": received packets");
  }
}
