package io.clustertop.agent.stream;

import io.clustertop.proto.v1.Ack;
import io.clustertop.proto.v1.AgentMessage;
import io.clustertop.proto.v1.DeltaBatch;
import io.clustertop.proto.v1.IngestGrpc;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A collector for tests, on 127.0.0.1 and an ephemeral port: it records every message of every
 * stream and acknowledges as told. It applies batches in order (a batch's gap counts as applied),
 * a full state up to its sequence, and acknowledges duplicates again, as the real one must.
 *
 * <p>Thread safety: every method is synchronized; gRPC's threads and the test's share it.
 */
final class FakeCollector implements AutoCloseable {
  /** Every stream's messages, in the order they came. */
  private final List<List<AgentMessage>> streams = new ArrayList<>();
  private long applied;
  private boolean refusing;
  /** When set, the first batch of each stream is refused with INVALID_ARGUMENT and these words. */
  private String refuseBatches;
  private boolean askFullState;
  /** Fail the stream (without applying) when this sequence arrives; 0 for never. */
  private long failAt;
  /** Read nothing after a Hello until {@link #release()}: a collector too slow to take batches. */
  private boolean holding;
  private final List<ServerCallStreamObserver<Ack>> held = new ArrayList<>();
  private final Server server;

  FakeCollector() throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new Service()).build().start();
  }

  String target() {
    return "127.0.0.1:" + server.getPort();
  }

  synchronized void refuse(boolean refuse) {
    refusing = refuse;
  }

  /** Answers each Hello, then refuses the stream's first batch as the collector refuses bad input; null: no more. */
  synchronized void refuseBatches(String description) {
    refuseBatches = description;
  }

  synchronized void askFullState(boolean ask) {
    askFullState = ask;
  }

  synchronized void failAt(long sequence) {
    failAt = sequence;
  }

  synchronized void hold() {
    holding = true;
  }

  synchronized void release() {
    holding = false;
    held.forEach(call -> call.request(Integer.MAX_VALUE));
    held.clear();
  }

  /** A restart: nothing applied, and the next stream is asked for a full state; open streams fail. */
  synchronized void restart() {
    applied = 0;
    askFullState = true;
    failAt = -1; // whatever comes next on an open stream
  }

  synchronized List<List<AgentMessage>> streams() {
    return streams.stream().map(List::copyOf).toList();
  }

  /** Every batch received, over all streams, in order. */
  synchronized List<DeltaBatch> batches() {
    return streams.stream().flatMap(List::stream).filter(AgentMessage::hasBatch).map(AgentMessage::getBatch).toList();
  }

  synchronized long applied() {
    return applied;
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Polls instead of sleeping a fixed time. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(2);
    }
  }

  private final class Service extends IngestGrpc.IngestImplBase {
    @Override
    public StreamObserver<AgentMessage> stream(StreamObserver<Ack> acks) {
      List<AgentMessage> received = new ArrayList<>();
      ServerCallStreamObserver<Ack> call = (ServerCallStreamObserver<Ack>) acks;
      call.disableAutoRequest();
      call.request(1); // the Hello
      synchronized (FakeCollector.this) {
        streams.add(received);
      }
      return new StreamObserver<>() {
        boolean failed;

        @Override
        public void onNext(AgentMessage m) {
          synchronized (FakeCollector.this) {
            if (failed) {
              return;
            }
            received.add(m);
            if (m.hasHello()) {
              if (refusing) {
                fail();
                return;
              }
              acks.onNext(Ack.newBuilder().setAppliedThrough(applied).setSendFullState(askFullState).build());
              if (holding) {
                held.add(call);
              } else {
                call.request(Integer.MAX_VALUE);
              }
            } else if (m.hasFullState()) {
              applied = Math.max(applied, m.getFullState().getSequence());
              askFullState = false; // it knows the epoch now
              acks.onNext(Ack.newBuilder().setAppliedThrough(applied).build());
            } else {
              DeltaBatch b = m.getBatch();
              if (refuseBatches != null) {
                failed = true;
                acks.onError(Status.INVALID_ARGUMENT.withDescription(refuseBatches).asRuntimeException());
                return;
              }
              if (b.getSequence() == failAt || failAt < 0) {
                failAt = 0;
                fail();
                return;
              }
              long first = b.hasGap() ? b.getGap().getFirstSequence() : b.getSequence();
              if (first <= applied + 1 && b.getSequence() > applied) {
                applied = b.getSequence();
              }
              acks.onNext(Ack.newBuilder().setAppliedThrough(applied).build());
            }
          }
        }

        private void fail() {
          failed = true;
          acks.onError(Status.UNAVAILABLE.withDescription("fake outage").asRuntimeException());
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {
          synchronized (FakeCollector.this) {
            if (!failed) {
              acks.onCompleted();
            }
          }
        }
      };
    }
  }
}
