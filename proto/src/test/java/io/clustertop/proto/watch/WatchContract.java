package io.clustertop.proto.watch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.proto.v1.PortDisplay;
import io.clustertop.proto.v1.Row;
import io.clustertop.proto.v1.SortOrder;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every watch service promises, the agent's (one node) and the collector's (the cluster) alike,
 * so that a console attaches to either the same way: the same traffic gives the same rows, figures
 * and totals; a new subscriber draws at once; rows are sorted, cut and add up to the totals; a bad
 * request is refused with INVALID_ARGUMENT; a stuck subscriber holds up no one; streams end when the
 * server stops. Each implementation's test extends this class and says how to serve and feed it;
 * every test runs over real gRPC on 127.0.0.1.
 *
 * <p>The node served has the address {@link #LOCAL}; the traffic is TCP to outside hosts.
 */
public abstract class WatchContract {
  protected static final String LOCAL = "10.77.0.1";

  /** One TCP conversation of the node, in the slot in progress. */
  public record Conversation(String remote, int localPort, int remotePort, long sentBytes, long sentPackets,
      long receivedBytes, long receivedPackets) {}

  /** Starts the service; a channel to it. */
  protected abstract ManagedChannel serve() throws Exception;

  /** Adds the conversations to the slot in progress. */
  protected abstract void traffic(List<Conversation> conversations) throws Exception;

  /** Completes the slot in progress (2 seconds pass) and publishes it to the subscribers. */
  protected abstract void closeSlot() throws Exception;

  /** Stops serving, as at shutdown. */
  protected abstract void stopServing() throws Exception;

  /** Who this service says it is, on every snapshot. */
  protected abstract ViewServer server();

  private ManagedChannel channel;

  @BeforeEach
  void startServing() throws Exception {
    channel = serve();
  }

  @AfterEach
  void closeChannel() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    stopServing();
  }

  /** Twelve conversations of distinct sizes: 198.51.100.1 is the smallest, .12 the largest. */
  private static List<Conversation> twelve() {
    List<Conversation> c = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      c.add(new Conversation("198.51.100." + i, 40_000 + i, 443, 1_000L * i, i, 100L * i, 1));
    }
    return c;
  }

  private final class Subscriber {
    final BlockingQueue<ViewSnapshot> snapshots = new LinkedBlockingQueue<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final CountDownLatch ended = new CountDownLatch(1);
    ClientCallStreamObserver<WatchRequest> call;

    Subscriber(WatchRequest request, boolean reading) {
      WatchGrpc.newStub(channel).subscribe(request, new ClientResponseObserver<WatchRequest, ViewSnapshot>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRequest> requestStream) {
          call = requestStream;
          if (!reading) {
            requestStream.disableAutoRequestWithInitial(0);
          }
        }

        @Override
        public void onNext(ViewSnapshot value) {
          snapshots.add(value);
        }

        @Override
        public void onError(Throwable t) {
          error.set(t);
          ended.countDown();
        }

        @Override
        public void onCompleted() {
          ended.countDown();
        }
      });
    }

    ViewSnapshot next() throws InterruptedException {
      ViewSnapshot s = snapshots.poll(5, TimeUnit.SECONDS);
      assertNotNull(s, "no snapshot within 5 s" + (error.get() == null ? "" : ": " + error.get()));
      return s;
    }
  }

  @Test
  void aNewSubscriberDrawsAtOnceThenAtEachSlot() throws Exception {
    traffic(twelve());
    closeSlot();
    Subscriber s = new Subscriber(WatchRequest.getDefaultInstance(), true);
    ViewSnapshot first = s.next(); // no slot closes meanwhile
    assertEquals(78_000, first.getTotals().getSent().getBytes());
    assertEquals(server(), first.getServer());
    traffic(List.of(new Conversation("198.51.100.1", 40_001, 443, 500, 1, 0, 0)));
    closeSlot();
    ViewSnapshot second = s.next();
    assertEquals(78_500, second.getTotals().getSent().getBytes());
    assertEquals(server(), second.getServer());
  }

  @Test
  void rowsAreSortedCutAndAddUpToTheTotals() throws Exception {
    traffic(twelve());
    closeSlot();
    ViewSnapshot s = new Subscriber(WatchRequest.newBuilder().setLimit(5).setSort(SortOrder.LAST_2S).build(), true)
        .next();

    assertEquals(5, s.getRowsCount());
    for (int i = 0; i < 5; i++) {
      Row row = s.getRows(i);
      int n = 12 - i;
      assertEquals(LOCAL, address(row.getLeft()));
      assertEquals("198.51.100." + n, address(row.getRight()));
      assertEquals(1_000L * n, row.getSent().getBytes());
      assertEquals(n, row.getSent().getPackets());
      assertEquals(100L * n, row.getReceived().getBytes());
      assertEquals(500.0 * n, row.getSent().getBytesPerSecond().getLast2S(), "a 2 s slot: bytes / 2");
    }
    assertEquals(7, s.getOther().getConversations());
    assertEquals(28_000, s.getOther().getSent().getBytes());
    assertEquals(78_000, s.getTotals().getSent().getBytes());
    assertEquals(78, s.getTotals().getSent().getPackets());
    assertEquals(7_800, s.getTotals().getReceived().getBytes());
    assertEquals(12, s.getTotals().getReceived().getPackets());
    long rowsSent = s.getRowsList().stream().mapToLong(r -> r.getSent().getBytes()).sum();
    assertEquals(s.getTotals().getSent().getBytes(), rowsSent + s.getOther().getSent().getBytes());
  }

  @Test
  void portsAndHiddenHostsAsIftopShowsThem() throws Exception {
    traffic(twelve());
    closeSlot();
    ViewSnapshot ports = new Subscriber(WatchRequest.newBuilder().setPorts(PortDisplay.PORTS_ON).build(), true).next();
    Row top = ports.getRows(0);
    assertEquals(40_012, top.getLeft().getPort());
    assertEquals(443, top.getRight().getPort());
    assertEquals(6, top.getProtocol());

    ViewSnapshot sourceOnly = new Subscriber(WatchRequest.newBuilder().setHideDestination(true).build(), true).next();
    assertEquals(1, sourceOnly.getRowsCount(), "every conversation has the same source");
    assertEquals(12, sourceOnly.getRows(0).getConversations());
    assertTrue(sourceOnly.getRows(0).getRight().getAddress().isEmpty());
    assertEquals(78_000, sourceOnly.getRows(0).getSent().getBytes());
    assertFalse(sourceOnly.getRows(0).hasProtocol(), "protocols merge where ports are not shown");
  }

  @Test
  void sortedByDestination() throws Exception {
    traffic(twelve());
    closeSlot();
    ViewSnapshot s = new Subscriber(WatchRequest.newBuilder().setSort(SortOrder.DESTINATION).setLimit(12).build(), true)
        .next();
    List<String> remotes = s.getRowsList().stream().map(r -> address(r.getRight())).toList();
    List<String> sorted = remotes.stream()
        .sorted(Comparator.comparingInt(a -> Integer.parseInt(a.substring(a.lastIndexOf('.') + 1)))).toList();
    assertEquals(sorted, remotes);
    assertEquals(12, remotes.size());
  }

  @Test
  void aLimitAboveTheMaximumIsRefused() throws Exception {
    Subscriber s = new Subscriber(WatchRequest.newBuilder().setLimit(WatchRequests.MAX_LIMIT + 1).build(), true);
    assertTrue(s.ended.await(5, TimeUnit.SECONDS));
    assertEquals(Status.Code.INVALID_ARGUMENT, Status.fromThrowable(s.error.get()).getCode());
  }

  @Test
  void aStuckSubscriberHoldsUpNoOneAndGetsTheLatest() throws Exception {
    Subscriber stuck = new Subscriber(WatchRequest.getDefaultInstance(), false);
    Subscriber reading = new Subscriber(WatchRequest.getDefaultInstance(), true);
    reading.next();
    int slots = 200;
    for (int i = 0; i < slots; i++) {
      traffic(List.of(new Conversation("198.51.100.1", 40_001, 443, 10, 1, 0, 0)));
      closeSlot(); // returns although the stuck one reads nothing
    }
    ViewSnapshot last = null;
    for (ViewSnapshot s = reading.next(); ; s = reading.next()) {
      if (s.getTotals().getSent().getBytes() == 10L * slots) {
        last = s;
        break;
      }
    }
    assertNotNull(last);
    stuck.call.request(Integer.MAX_VALUE);
    ViewSnapshot newest = null;
    for (ViewSnapshot s; (s = stuck.snapshots.poll(2, TimeUnit.SECONDS)) != null; ) {
      newest = s;
    }
    assertNotNull(newest);
    assertEquals(10L * slots, newest.getTotals().getSent().getBytes(), "the newest snapshot, not a queue of old ones");
  }

  @Test
  void streamsEndWhenTheServerStops() throws Exception {
    Subscriber s = new Subscriber(WatchRequest.getDefaultInstance(), true);
    s.next();
    stopServing();
    assertTrue(s.ended.await(10, TimeUnit.SECONDS), "the stream ended");
  }

  private static String address(io.clustertop.proto.v1.Endpoint e) {
    return io.clustertop.proto.ViewWire.address(e.getAddress()).toString();
  }
}
