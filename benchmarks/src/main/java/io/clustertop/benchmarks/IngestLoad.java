package io.clustertop.benchmarks;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.IngestGrpc;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Load for a collector running in another process: {@code agents} simulated agents, each on its own
 * ingest stream, each sending one batch of {@code flows} conversations a second (spread evenly over
 * the second, as independent agents would be), for {@code seconds}; and consoles watching it over
 * real gRPC, each in its grouping, timing when a marker batch shows in its view.
 *
 * <p>The generator is cheap enough to drive thousands of agents on the same two cores as the
 * collector: each agent's flows are encoded once, and each second only the batch's header (sequence,
 * times) is written in front of them, straight into the message's bytes (a byte marshaller for the
 * same method).
 *
 * <p>One more agent, node {@value #PROBE}, sends a marker batch four times a second: one UDP
 * conversation to {@value #MARKER_ADDRESS} port {@value #MARKER_PORT}, {@value #MARKER_BYTES} bytes
 * each. Every console finds the markers in its own grouping (host pairs and remote addresses: the
 * marker's row; nodes: the probe's row; ports: udp/{@value #MARKER_PORT}; classes: the class of a
 * named network holding the marker address, which the collector's cost file must name
 * {@value #MARKER_CLASS}; the probe's own view) and notes, for each marker, the time from its send to
 * the first snapshot that holds it.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.clustertop.benchmarks.IngestLoad
 * HOST:PORT AGENTS FLOWS SECONDS [CONSOLES] [STUCK]}: CONSOLES is a comma-separated list of
 * groupings, {@code pairs}, {@code nodes}, {@code remotes}, {@code ports}, {@code classes},
 * {@code node} (the probe's own view), each optionally {@code xN} for N consoles of it, or
 * {@code none} (default {@code pairs}); STUCK is a number of watch streams that never read (default 0).
 * bench/collector.sh starts the collector and reads its CPU, heap and metrics.
 *
 * <p>With {@code -Dingest.kafka=BOOTSTRAP/TOPIC} the agents publish to Kafka instead, as
 * {@code clustertop agent --kafka} does (a {@code LogRecord} per batch, keyed by agent, each agent's
 * node record first on {@code TOPIC-nodes}; the topics made with {@code -Dingest.partitions}
 * partitions, 12 by default, when missing), and the collector at HOST:PORT, started with
 * {@code --kafka}, consumes them; the consoles watch it as before. What is acknowledged is then the
 * broker's word, not the collector's: bench/kafka.sh reads what the collector applied from its
 * {@code /metrics}.
 */
public final class IngestLoad {
  /** Set when the run is over: the streams' ends are expected then, not reported. */
  static volatile boolean stopping;
  static final String PROBE = "load-probe";
  static final String MARKER_ADDRESS = "203.0.113.77";
  static final int MARKER_PORT = 7777;
  /** Large enough that the probe's rows lead every grouping's order (a load agent sends about 9 MB/s). */
  static final long MARKER_BYTES = 100_000_007;
  static final String MARKER_CLASS = "marker";
  private static final ByteString MARKER_REMOTE = ByteString.copyFrom(new byte[] {(byte) 203, 0, 113, 77});
  private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(20);

  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    String target = args[0];
    int agents = Integer.parseInt(args[1]);
    int flows = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    String consoleSpec = args.length > 4 ? args[4] : "pairs";
    int stuckStreams = args.length > 5 ? Integer.parseInt(args[5]) : 0;

    int channelCount = Math.max(1, agents / 50);
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < channelCount; i++) {
      channels.add(NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(64 << 20).build());
    }
    AtomicLong acked = new AtomicLong();
    String kafka = System.getProperty("ingest.kafka");
    KafkaOutlet.Topics topics = kafka == null ? null
        : KafkaOutlet.topics(kafka, Integer.getInteger("ingest.partitions", 12), acked);
    List<Agent> load = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      load.add(new Agent(channels.get(a % channelCount), topics, "load-" + a, a, flows, acked));
    }
    Agent probe = new Agent(channels.get(0), topics, PROBE, agents, 0, acked);

    Map<Long, Long> markerSentAt = new ConcurrentHashMap<>();
    // -Dingest.watch=HOST:PORT: the consoles watch there (a relay over the collector) instead of the target.
    ManagedChannel watchChannel = NettyChannelBuilder.forTarget(System.getProperty("ingest.watch", target)).usePlaintext()
        .maxInboundMessageSize(64 << 20).build();
    List<Console> consoles = new ArrayList<>();
    for (String part : consoleSpec.equals("none") ? new String[0] : consoleSpec.split(",")) {
      String[] nameAndCount = part.split("x");
      int count = nameAndCount.length > 1 ? Integer.parseInt(nameAndCount[1]) : 1;
      for (int i = 0; i < count; i++) {
        consoles.add(new Console(watchChannel, nameAndCount[0], markerSentAt));
      }
    }
    for (int i = 0; i < stuckStreams; i++) {
      stuck(watchChannel);
    }

    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    long start = System.nanoTime();
    loadStart = start;
    for (int a = 0; a < agents; a++) {
      Agent agent = load.get(a);
      timer.scheduleAtFixedRate(agent::sendBatch, TimeUnit.SECONDS.toNanos(1) * a / agents,
          TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS);
    }
    // Four markers a second, at times unrelated to the collector's slots, as packets would be. Those
    // sent in the first WARM_UP seconds are left out of the percentiles: thousands of agents
    // connecting at once (Hellos, first batches, views built again as nodes become known, the JIT)
    // is the start, not the steady state; the worst by 10 s of sending shows the start too.
    timer.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      markerSentAt.put(probe.sequence + 1, now);
      probe.sendMarker();
    }, 500, 250, TimeUnit.MILLISECONDS);
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    timer.shutdownNow();
    stopping = true;
    double elapsed = (System.nanoTime() - start) / 1e9;
    long sent = load.stream().mapToLong(a -> a.sequence).sum();
    System.out.printf("agents %d, flows per batch %d, %.1f s: batches sent %d (%.0f/s), acknowledged %d (%.0f/s),"
            + " flow deltas acknowledged %.0f/s; markers sent %d%s%n",
        agents, flows, elapsed, sent, sent / elapsed, acked.get(), acked.get() / elapsed,
        (acked.get() - probe.sequence) * (double) flows / elapsed, probe.sequence,
        topics == null ? "" : " (acknowledged by the broker)");
    double measured = elapsed - WARM_UP_NANOS / 1e9;
    for (Console c : consoles) {
      c.report(measured);
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
    if (topics != null) {
      topics.close();
    }
    // The consoles stay a while, so what their views hold can be measured (bench/collector.sh).
    System.out.println(HOLDING + " " + HOLD_SECONDS + " s");
    System.out.flush();
    Thread.sleep(TimeUnit.SECONDS.toMillis(HOLD_SECONDS));
    watchChannel.shutdownNow();
  }

  /** When the agents started sending (System.nanoTime). */
  private static volatile long loadStart;

  static final String HOLDING = "consoles held for";
  private static final int HOLD_SECONDS = 20;

  /** A watch stream that never reads: the transport's window fills and the collector holds its latest only. */
  private static void stuck(ManagedChannel channel) {
    WatchGrpc.newStub(channel).subscribe(WatchRequest.newBuilder().setLimit(100).build(),
        new ClientResponseObserver<WatchRequest, ViewSnapshot>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
            requestStream.disableAutoRequestWithInitial(0);
          }

          @Override
          public void onNext(ViewSnapshot value) {}

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
  }

  /** One console: a subscription in one grouping, and when each marker showed in it. */
  private static final class Console {
    final String name;
    /** Per marker seen: when it was sent (nanoseconds since the load started) and how long it took. */
    final ConcurrentLinkedQueue<long[]> latencies = new ConcurrentLinkedQueue<>();
    final AtomicLong frames = new AtomicLong();
    final AtomicLong framesAfterWarmUp = new AtomicLong();
    final long started = System.nanoTime();
    long seen;

    Console(ManagedChannel channel, String name, Map<Long, Long> markerSentAt) {
      this.name = name;
      WatchRequest.Builder r = WatchRequest.newBuilder().setLimit(10);
      ToLongFunction<ViewSnapshot> markerBytes = switch (name) {
        case "pairs" -> s -> rowBytes(s, row -> row.getRight().getAddress().equals(MARKER_REMOTE));
        case "remotes" -> {
          r.setGrouping(Grouping.REMOTE_ADDRESSES);
          yield s -> rowBytes(s, row -> row.getRight().getAddress().equals(MARKER_REMOTE));
        }
        case "nodes" -> {
          r.setGrouping(Grouping.NODES);
          yield s -> rowBytes(s, row -> row.getLeft().getNode().equals(PROBE));
        }
        case "ports" -> {
          r.setGrouping(Grouping.PORTS);
          yield s -> rowBytes(s, row -> row.getRight().getPort() == MARKER_PORT && row.getProtocol() == 17);
        }
        case "classes" -> {
          r.setGrouping(Grouping.DESTINATION_CLASSES);
          yield s -> rowBytes(s, row -> row.getDestinationClass().equals(MARKER_CLASS));
        }
        case "node" -> {
          r.setNode(PROBE);
          yield s -> rowBytes(s, row -> row.getRight().getAddress().equals(MARKER_REMOTE));
        }
        default -> throw new IllegalArgumentException("no console " + name
            + ": use pairs, remotes, nodes, ports, classes or node");
      };
      WatchGrpc.newStub(channel).subscribe(r.build(), new StreamObserver<>() {
        @Override
        public void onNext(ViewSnapshot s) {
          long now = System.nanoTime();
          frames.incrementAndGet();
          if (now - started > WARM_UP_NANOS) {
            framesAfterWarmUp.incrementAndGet();
          }
          long shown = markerBytes.applyAsLong(s) / MARKER_BYTES;
          synchronized (Console.this) {
            for (long n = seen + 1; n <= shown; n++) {
              Long sentAt = markerSentAt.get(n);
              if (sentAt != null) {
                latencies.add(new long[] {sentAt - loadStart, now - sentAt});
              }
            }
            seen = Math.max(seen, shown);
          }
        }

        @Override
        public void onError(Throwable t) {
          if (!stopping) {
            System.err.println("console " + name + ": " + t);
          }
        }

        @Override
        public void onCompleted() {}
      });
    }

    private static long rowBytes(ViewSnapshot s, java.util.function.Predicate<Row> marker) {
      for (Row row : s.getRowsList()) {
        if (marker.test(row)) {
          return row.getSent().getBytes();
        }
      }
      return 0;
    }

    void report(double measuredSeconds) {
      List<Long> sorted = new ArrayList<>();
      // The worst in each 10 s of sending, to tell a slow start from a slow steady state.
      java.util.TreeMap<Long, Long> worst = new java.util.TreeMap<>();
      for (long[] l : latencies) {
        if (l[0] >= WARM_UP_NANOS) {
          sorted.add(l[1]);
        }
        worst.merge(l[0] / TimeUnit.SECONDS.toNanos(10) * 10, l[1], Math::max);
      }
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        System.out.printf("console %s: no marker seen (%d snapshots)%n", name, frames.get());
        return;
      }
      System.out.printf("console %s: batch to view after %d s of warm-up: %d markers, p50 %.0f ms, p99 %.0f ms,"
              + " max %.0f ms; %.2f snapshots/s%n", name, TimeUnit.NANOSECONDS.toSeconds(WARM_UP_NANOS), sorted.size(),
          sorted.get(sorted.size() / 2) / 1e6, sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1e6,
          sorted.get(sorted.size() - 1) / 1e6, framesAfterWarmUp.get() / measuredSeconds);
      StringBuilder line = new StringBuilder("console " + name + ": worst by 10 s of sending (s from start: ms):");
      worst.forEach((from, ms) -> line.append(' ').append(from).append(':').append(ms / 1_000_000));
      System.out.println(line);
    }
  }

  /** The ingest method with its messages as bytes already encoded. */
  private static final MethodDescriptor<byte[], Ack> RAW_STREAM = IngestGrpc.getStreamMethod().toBuilder(
      new MethodDescriptor.Marshaller<byte[]>() {
        @Override
        public InputStream stream(byte[] value) {
          return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }, ProtoUtils.marshaller(Ack.getDefaultInstance())).build();

  /** One simulated agent, its batches' flows encoded once. */
  private static final class Agent {
    /** Where its batches go, each a DeltaBatch's bytes: its gRPC stream, or the Kafka topic. */
    private final java.util.function.Consumer<byte[]> out;
    private final ByteString local;
    /** Field 4 of a DeltaBatch (its flows) and field 5 (its total), encoded once. */
    private final byte[] flowsAndTotal;
    long sequence;

    Agent(ManagedChannel channel, KafkaOutlet.Topics topics, String node, int index, int flowCount, AtomicLong acked) {
      local = ByteString.copyFrom(ByteBuffer.allocate(4).putInt(0x0a4d0000 + index + 1).array());
      DeltaBatch.Builder flows = DeltaBatch.newBuilder();
      long[] total = new long[4];
      for (int f = 0; f < flowCount; f++) {
        long sentPackets = f % 50 + 1;
        long receivedPackets = f % 30 + 1;
        flows.addFlows(FlowDelta.newBuilder()
            .setKey(FlowKey.newBuilder().setLocalAddress(local)
                .setRemoteAddress(ByteString.copyFrom(ByteBuffer.allocate(4).putInt(0xc6336400 + f).array()))
                .setLocalPort(40_000 + f).setRemotePort(443).setProtocol(6))
            .setVolume(volume(1500L * sentPackets, sentPackets, 600L * receivedPackets, receivedPackets)));
        total[0] += 1500L * sentPackets;
        total[1] += sentPackets;
        total[2] += 600L * receivedPackets;
        total[3] += receivedPackets;
      }
      flowsAndTotal = flows.setTotal(volume(total[0], total[1], total[2], total[3])).build().toByteArray();
      long epoch = System.currentTimeMillis() * 1_000_000L;
      AgentIdentity identity = AgentIdentity.newBuilder().setNode(node)
          .setAgentId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(index).putLong(epoch).array()))
          .setEpoch(epoch).addAddresses(local).build();
      if (topics != null) {
        out = topics.agent(identity);
        return;
      }
      StreamObserver<byte[]> stream = ClientCalls.asyncBidiStreamingCall(channel.newCall(RAW_STREAM, CallOptions.DEFAULT),
          new StreamObserver<>() {
            @Override
            public void onNext(Ack ack) {
              if (ack.getAppliedThrough() > 0) {
                acked.incrementAndGet();
              }
            }

            @Override
            public void onError(Throwable t) {
              if (!stopping) {
                System.err.println("agent " + node + ": " + t);
              }
            }

            @Override
            public void onCompleted() {}
          });
      stream.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder().setIdentity(identity)
          .setOldestHeldSequence(1).setNewestSequence(0)).build().toByteArray());
      out = batch -> stream.onNext(KafkaOutlet.field(new byte[0], AgentMessage.BATCH_FIELD_NUMBER, batch));
    }

    private static VolumePair volume(long sentBytes, long sentPackets, long receivedBytes, long receivedPackets) {
      return VolumePair.newBuilder()
          .setSent(Volume.newBuilder().setBytes(sentBytes).setPackets(sentPackets))
          .setReceived(Volume.newBuilder().setBytes(receivedBytes).setPackets(receivedPackets))
          .build();
    }

    /** The next batch: its header written in front of the flows encoded once. */
    synchronized void sendBatch() {
      sequence++;
      long end = System.currentTimeMillis() * 1_000_000L;
      int header = CodedOutputStream.computeUInt64Size(1, sequence) + CodedOutputStream.computeInt64Size(2, end - 1_000_000_000L)
          + CodedOutputStream.computeInt64Size(3, end);
      byte[] batch = new byte[header + flowsAndTotal.length];
      try {
        CodedOutputStream o = CodedOutputStream.newInstance(batch);
        o.writeUInt64(1, sequence);
        o.writeInt64(2, end - 1_000_000_000L);
        o.writeInt64(3, end);
        o.writeRawBytes(flowsAndTotal);
        o.checkNoSpaceLeft();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      out.accept(batch);
    }

    synchronized void sendMarker() {
      sequence++;
      long end = System.currentTimeMillis() * 1_000_000L;
      FlowDelta marker = FlowDelta.newBuilder()
          .setKey(FlowKey.newBuilder().setLocalAddress(local).setRemoteAddress(MARKER_REMOTE)
              .setLocalPort(MARKER_PORT).setRemotePort(MARKER_PORT).setProtocol(17))
          .setVolume(volume(MARKER_BYTES, 1, 0, 0))
          .build();
      out.accept(DeltaBatch.newBuilder().setSequence(sequence)
          .setStartUnixNanos(end - 1_000_000_000L).setEndUnixNanos(end).addFlows(marker)
          .setTotal(volume(MARKER_BYTES, 1, 0, 0)).build().toByteArray());
    }
  }
}
