package io.clustertop.console.remote;

import io.clustertop.console.cost.ViewCost;
import io.clustertop.console.screen.CaptureFilterAnswer;
import io.clustertop.console.screen.ViewFeed;
import io.clustertop.console.screen.ViewRequest;
import io.clustertop.console.status.Attachment;
import io.clustertop.console.status.RelaySummary;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchRequest;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The screen's feed from an agent's or the collector's watch stream. A new request replaces the
 * subscription (the old stream is cancelled); snapshots arrive on gRPC's threads and wait,
 * newest only, for the screen.
 *
 * <p>Two parts of the view do not travel in a watch request and are applied here, to the rows
 * the server sent: the screen filter (a pattern on the names as this console shows them) and the
 * frozen order (core's rule, {@link ConversationTable#frozenFirst}). The cost a collector's
 * snapshot carries is read here once, and follows its rows through both.
 *
 * <p>Thread safety: {@link #watch} and {@link #take} from the screen's thread; the listener from
 * gRPC's.
 */
public final class RemoteFeed implements ViewFeed {
  private final WatchClient client;
  private final AtomicReference<ViewSnapshot> latest = new AtomicReference<>();
  private volatile String connection = "connecting";
  private volatile Attachment attachment = Attachment.REMOTE;
  private volatile List<io.clustertop.proto.v1.Grouping> offered = List.of();
  private volatile String kubernetes = "";
  private volatile String relay;
  private ViewRequest current;
  private WatchRequest currentWire;
  private WatchClient.Subscription subscription;

  public RemoteFeed(WatchClient client) {
    this.client = client;
  }

  @Override
  public void watch(ViewRequest request) {
    current = request;
    WatchRequest.Builder b = ViewWire.toProto(request.view()).toBuilder().setGrouping(request.grouping().wire());
    b.setNode(request.node()).setWithin(request.within()).setPod(request.pod());
    WatchRequest wire = b.build();
    if (wire.equals(currentWire)) {
      return;
    }
    closeSubscription();
    currentWire = wire;
    latest.set(null);
    subscription = client.subscribe(wire, new WatchClient.Listener() {
      @Override
      public void snapshot(ViewSnapshot snapshot) {
        connection = "connected";
        attachment = Attachment.of(snapshot);
        offered = List.copyOf(snapshot.getGroupingsList());
        kubernetes = snapshot.getKubernetes();
        relay = snapshot.hasRelay() ? RelaySummary.of(snapshot.getRelay()) : null;
        latest.set(snapshot);
      }

      @Override
      public void disconnected(Status status, long retryMillis) {
        connection = String.format("%s; reconnecting in %.1f s", StatusText.describe(status), retryMillis / 1000.0);
      }

      @Override
      public void refused(Status status) {
        connection = "refused: " + status.getDescription();
      }
    });
  }

  @Override
  public Update take() {
    ViewSnapshot wire = latest.getAndSet(null);
    if (wire == null) {
      return null;
    }
    Snapshot s = ViewWire.fromProto(wire);
    // Indexes are filtered and sorted rather than rows, so that each row's cost goes with it.
    List<Integer> shown = new ArrayList<>();
    for (int i = 0; i < s.rows().size(); i++) {
      if (current.view().filter().test(s.rows().get(i))) {
        shown.add(i);
      }
    }
    // stable: the server's order otherwise
    shown.sort(Comparator.comparing(s.rows()::get, ConversationTable.frozenFirst(current.view().frozenOrder())));
    List<Row> rows = shown.stream().map(s.rows()::get).toList();
    ViewCost cost = ViewCost.of(wire);
    return new Update(new Snapshot(s.timeMillis(), s.source(), rows, s.other(), s.totals(), s.counters(),
        s.conversations(), s.nodes()), cost == null ? null : cost.rows(shown));
  }

  @Override
  public String name() {
    return client.target();
  }

  @Override
  public Attachment attachment() {
    return attachment;
  }

  @Override
  public String connection() {
    return connection;
  }

  @Override
  public List<io.clustertop.proto.v1.Grouping> offered() {
    return offered;
  }

  @Override
  public String kubernetes() {
    return kubernetes;
  }

  @Override
  public String relay() {
    return relay;
  }

  /** The server's refusal is its own description (why, or libpcap's error); anything else, the status in a few words. */
  @Override
  public CompletionStage<CaptureFilterAnswer> changeCaptureFilter(String expression) {
    return client.setCaptureFilter(expression).handle((reply, failure) -> {
      if (failure == null) {
        return CaptureFilterAnswer.APPLIED;
      }
      Status status = Status.fromThrowable(failure);
      boolean answered = switch (status.getCode()) {
        case INVALID_ARGUMENT, FAILED_PRECONDITION, UNIMPLEMENTED -> status.getDescription() != null;
        default -> false;
      };
      return CaptureFilterAnswer.refused(answered ? status.getDescription() : StatusText.describe(status));
    });
  }

  /** How a broken stream reads: what went wrong, in a few words. */
  private void closeSubscription() {
    if (subscription != null) {
      subscription.close();
    }
  }

  @Override
  public void close() {
    closeSubscription();
  }
}
