package io.clustertop.benchmarks;

import com.google.protobuf.ByteString;
import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentIdentity;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.FlowDelta;
import io.clustertop.proto.v1.FlowKey;
import io.clustertop.proto.v1.Hello;
import io.clustertop.proto.v1.IngestGrpc;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.Volume;
import io.clustertop.proto.v1.VolumePair;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
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

/**
 * Load for a collector running in another process: {@code agents} simulated agents, each on its own
 * ingest stream, each sending one batch of {@code flows} conversations a second (spread evenly over
 * the second, as independent agents would be), for {@code seconds}. One more agent sends a marker
 * batch four times a second, and a watcher of the cluster view notes when each marker shows: the
 * time from a batch to the cluster view.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.clustertop.benchmarks.IngestLoad
 * HOST:PORT agents flows seconds} (bench/collector.sh starts the collector and reads its CPU and heap).
 */
public final class IngestLoad {
  private static final long MARKER_BYTES = 1_000_003;
  private static final long WARM_UP_NANOS = TimeUnit.SECONDS.toNanos(10);

  private IngestLoad() {}

  public static void main(String[] args) throws Exception {
    String target = args[0];
    int agents = Integer.parseInt(args[1]);
    int flows = Integer.parseInt(args[2]);
    int seconds = Integer.parseInt(args[3]);
    int channelCount = Math.max(1, agents / 50);
    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < channelCount; i++) {
      channels.add(NettyChannelBuilder.forTarget(target).usePlaintext().maxInboundMessageSize(16 << 20).build());
    }
    AtomicLong acked = new AtomicLong();
    List<Stream> streams = new ArrayList<>();
    for (int a = 0; a < agents; a++) {
      streams.add(new Stream(channels.get(a % channelCount), a, flows, acked));
    }
    Stream probe = new Stream(channels.get(0), agents, 1, acked);

    // Marker n (the probe's n-th batch, MARKER_BYTES each) is in the view once the probe row's bytes
    // reach n * MARKER_BYTES; each snapshot notes the time for every marker it shows first.
    ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    Map<Long, Long> markerSentAt = new ConcurrentHashMap<>();
    AtomicLong markersSeen = new AtomicLong();
    WatchGrpc.newStub(channels.get(0)).subscribe(
        WatchRequest.newBuilder().setGrouping(io.clustertop.proto.v1.Grouping.HOST_PAIRS).setLimit(5).build(),
        new StreamObserver<>() {
          @Override
          public void onNext(ViewSnapshot s) {
            long now = System.nanoTime();
            for (Row r : s.getRowsList()) {
              if (r.getRight().getAddress().equals(Stream.MARKER_REMOTE)) {
                long seen = r.getSent().getBytes() / MARKER_BYTES;
                for (long n = markersSeen.get() + 1; n <= seen; n++) {
                  long sentAt = markerSentAt.get(n);
                  if (sentAt != Long.MIN_VALUE) {
                    latencies.add(now - sentAt);
                  }
                }
                markersSeen.set(Math.max(seen, markersSeen.get()));
              }
            }
          }

          @Override
          public void onError(Throwable t) {
            System.err.println("watch: " + t);
          }

          @Override
          public void onCompleted() {}
        });

    ScheduledExecutorService timer = Executors.newScheduledThreadPool(2);
    long start = System.nanoTime();
    for (int a = 0; a < agents; a++) {
      Stream s = streams.get(a);
      timer.scheduleAtFixedRate(s::sendBatch, TimeUnit.SECONDS.toNanos(1) * a / agents, TimeUnit.SECONDS.toNanos(1),
          TimeUnit.NANOSECONDS);
    }
    // Four markers a second, at times unrelated to the collector's slots, as packets would be. The
    // first WARM_UP seconds are left out of the figures: a thousand agents connecting at once
    // (Hellos, first batches, the JIT) is the start, not the steady state.
    timer.scheduleAtFixedRate(() -> {
      long now = System.nanoTime();
      markerSentAt.put(probe.sequence + 1, now - start < WARM_UP_NANOS ? Long.MIN_VALUE : now);
      probe.sendMarker();
    }, 500, 250, TimeUnit.MILLISECONDS);
    Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
    timer.shutdownNow();
    double elapsed = (System.nanoTime() - start) / 1e9;
    long sent = streams.stream().mapToLong(s -> s.sequence).sum();
    System.out.printf("agents %d, flows per batch %d, %.1f s: batches sent %d (%.0f/s), acknowledged %d (%.0f/s),"
            + " flow deltas acknowledged %.0f/s%n",
        agents, flows, elapsed, sent, sent / elapsed, acked.get(), acked.get() / elapsed, acked.get() * flows / elapsed);
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    if (!sorted.isEmpty()) {
      System.out.printf("batch to cluster view (after %d s of warm-up): %d samples, p50 %.0f ms, p99 %.0f ms,"
              + " max %.0f ms%n", TimeUnit.NANOSECONDS.toSeconds(WARM_UP_NANOS), sorted.size(),
          sorted.get(sorted.size() / 2) / 1e6, sorted.get(Math.min(sorted.size() - 1, sorted.size() * 99 / 100)) / 1e6,
          sorted.get(sorted.size() - 1) / 1e6);
    }
    for (ManagedChannel c : channels) {
      c.shutdownNow();
    }
  }

  /** One simulated agent. */
  private static final class Stream {
    static final ByteString MARKER_REMOTE = ByteString.copyFrom(new byte[] {(byte) 203, 0, 113, 77});
    private final StreamObserver<AgentMessage> out;
    private final List<FlowDelta> flows = new ArrayList<>();
    private final ByteString local;
    long sequence;

    Stream(ManagedChannel channel, int index, int flowCount, AtomicLong acked) {
      local = ByteString.copyFrom(ByteBuffer.allocate(4).putInt(0x0a4d0000 + index + 1).array());
      for (int f = 0; f < flowCount; f++) {
        flows.add(FlowDelta.newBuilder()
            .setKey(FlowKey.newBuilder().setLocalAddress(local)
                .setRemoteAddress(ByteString.copyFrom(ByteBuffer.allocate(4).putInt(0xc6336400 + f).array()))
                .setLocalPort(40_000 + f).setRemotePort(443).setProtocol(6))
            .setVolume(VolumePair.newBuilder()
                .setSent(Volume.newBuilder().setBytes(1500L * (f % 50 + 1)).setPackets(f % 50 + 1))
                .setReceived(Volume.newBuilder().setBytes(600L * (f % 30 + 1)).setPackets(f % 30 + 1)))
            .build());
      }
      out = IngestGrpc.newStub(channel).stream(new StreamObserver<>() {
        @Override
        public void onNext(Ack ack) {
          if (ack.getAppliedThrough() > 0) {
            acked.incrementAndGet();
          }
        }

        @Override
        public void onError(Throwable t) {
          System.err.println("agent " + index + ": " + t);
        }

        @Override
        public void onCompleted() {}
      });
      long epoch = System.currentTimeMillis() * 1_000_000L;
      out.onNext(AgentMessage.newBuilder().setHello(Hello.newBuilder()
          .setIdentity(AgentIdentity.newBuilder().setNode("load-" + index)
              .setAgentId(ByteString.copyFrom(ByteBuffer.allocate(16).putLong(index).putLong(epoch).array()))
              .setEpoch(epoch).addAddresses(local))
          .setOldestHeldSequence(1).setNewestSequence(0)).build());
    }

    synchronized void sendBatch() {
      long end = System.currentTimeMillis() * 1_000_000L;
      long sentBytes = 0;
      long sentPackets = 0;
      long receivedBytes = 0;
      long receivedPackets = 0;
      for (FlowDelta f : flows) {
        sentBytes += f.getVolume().getSent().getBytes();
        sentPackets += f.getVolume().getSent().getPackets();
        receivedBytes += f.getVolume().getReceived().getBytes();
        receivedPackets += f.getVolume().getReceived().getPackets();
      }
      send(DeltaBatch.newBuilder().addAllFlows(flows), end, sentBytes, sentPackets, receivedBytes, receivedPackets);
    }

    synchronized void sendMarker() {
      long end = System.currentTimeMillis() * 1_000_000L;
      FlowDelta marker = FlowDelta.newBuilder()
          .setKey(FlowKey.newBuilder().setLocalAddress(local).setRemoteAddress(MARKER_REMOTE).setProtocol(17))
          .setVolume(VolumePair.newBuilder().setSent(Volume.newBuilder().setBytes(MARKER_BYTES).setPackets(1)))
          .build();
      send(DeltaBatch.newBuilder().addFlows(marker), end, MARKER_BYTES, 1, 0, 0);
    }

    private void send(DeltaBatch.Builder batch, long end, long sentBytes, long sentPackets, long receivedBytes,
        long receivedPackets) {
      sequence++;
      batch.setSequence(sequence).setStartUnixNanos(end - 1_000_000_000L).setEndUnixNanos(end)
          .setTotal(VolumePair.newBuilder()
              .setSent(Volume.newBuilder().setBytes(sentBytes).setPackets(sentPackets))
              .setReceived(Volume.newBuilder().setBytes(receivedBytes).setPackets(receivedPackets)));
      out.onNext(AgentMessage.newBuilder().setBatch(batch).build());
    }
  }
}
