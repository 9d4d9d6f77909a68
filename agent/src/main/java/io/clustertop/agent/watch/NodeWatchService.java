package io.clustertop.agent.watch;

import io.clustertop.agent.attribution.OwnerRows;
import io.clustertop.agent.capture.FilterOutcome;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.agent.monitor.TickListener;
import io.clustertop.core.attribution.AttributionLookup;
import io.clustertop.core.flow.FlowKey;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.window.ConversationTable;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.CaptureFilterReply;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.Grouping;
import io.clustertop.proto.v1.ViewServer;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.proto.watch.WatchRequests;
import io.clustertop.proto.watch.WatchSubscribers;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.UnaryOperator;

/**
 * The watch service of one node: per-node iftop for consoles attached to an agent. Each subscriber
 * gets its own view of the node's conversation table at the first tick after it subscribed (within
 * a second), then once per 2-second slot, built on the monitor's aggregation thread (which owns the
 * table) and handed over latest-only.
 *
 * <p>It serves the node's host pairs (with ports or hosts hidden as asked), sorted and cut as asked,
 * and, where the agent attributes traffic, its rows by local process and by container ({@link
 * OwnerRows}); other groupings, row filters and per-node views are the collector's, and asking an
 * agent for them is refused rather than answered with something else.
 *
 * <p>It changes the node's capture filter only when built with the capture to change (the agent's
 * {@code --allow-filter-change}): off by default, as anyone who reaches the watch port could
 * otherwise change what the node counts.
 */
public final class NodeWatchService extends WatchGrpc.WatchImplBase implements TickListener {
  static final String NOT_ALLOWED =
      "this agent does not change its capture filter: start it with --allow-filter-change to allow it";
  static final String NOT_ATTRIBUTING =
      "this agent does not attribute traffic to processes (a live capture does, unless started with --no-attribution)";

  private final WatchSubscribers subscribers = new WatchSubscribers();
  /** The capture whose filter consoles may change; null: they may not. */
  private final PacketSource filterChanges;
  /** Rows by process and by container; null where the agent does not attribute. */
  private final OwnerRows byProcess;
  private final OwnerRows byContainer;
  /** The host pairs: the table's maintained views, or, under a mask, a walk of the conversations as shown. */
  private final MonitorView.TableView hostPairs;

  /** A service that refuses to change the capture filter. */
  public NodeWatchService() {
    this(null);
  }

  /** @param filterChanges the capture consoles may change the filter of; null to refuse */
  public NodeWatchService(PacketSource filterChanges) {
    this(filterChanges, null);
  }

  /**
   * @param filterChanges the capture consoles may change the filter of; null to refuse
   * @param owners the conversations' processes, for the rows by process and container; null where
   *     the agent does not attribute (those groupings are refused then)
   */
  public NodeWatchService(PacketSource filterChanges, AttributionLookup owners) {
    this(filterChanges, owners, null);
  }

  /**
   * @param shown how a conversation's remote end is shown: core's {@code RemoteMask.onRemotes} under
   *     {@code --mask-remote}, applied to every grouping's rows; null for none (the host pairs then
   *     come from the table's maintained views, not from a walk of its conversations)
   */
  public NodeWatchService(PacketSource filterChanges, AttributionLookup owners, UnaryOperator<FlowKey> shown) {
    this.filterChanges = filterChanges;
    this.hostPairs = shown == null ? ConversationTable::snapshot
        : (table, options, source, time, counters) -> table.snapshot(options, source, time, counters, shown);
    UnaryOperator<FlowKey> asShown = shown == null ? UnaryOperator.identity() : shown;
    this.byProcess = owners == null ? null : new OwnerRows(owners, OwnerRows.By.PROCESS, asShown);
    this.byContainer = owners == null ? null : new OwnerRows(owners, OwnerRows.By.CONTAINER, asShown);
  }

  @Override
  public void subscribe(WatchRequest request, StreamObserver<ViewSnapshot> responseObserver) {
    String refused = WatchRequests.problem(request);
    boolean byOwner = request.getGrouping() == Grouping.PROCESSES || request.getGrouping() == Grouping.CONTAINERS;
    if (refused == null && byOwner && byProcess == null) {
      refused = NOT_ATTRIBUTING;
    } else if (refused == null && !servable(request)) {
      refused = "an agent serves its own host pairs and its rows by process and container: "
          + "other groupings, row filters and node views are the collector's";
    }
    if (refused != null) {
      responseObserver.onError(Status.INVALID_ARGUMENT.withDescription(refused).asRuntimeException());
      return;
    }
    subscribers.subscribe(request, responseObserver);
  }

  @Override
  public void setCaptureFilter(CaptureFilterRequest request, StreamObserver<CaptureFilterReply> responses) {
    if (filterChanges == null) {
      responses.onError(Status.FAILED_PRECONDITION.withDescription(NOT_ALLOWED).asRuntimeException());
      return;
    }
    String expression = request.getExpression();
    // Answered on the capture thread when it applies the filter: never block a gRPC thread on it.
    filterChanges.changeFilter(expression).whenComplete((outcome, failure) -> {
      if (failure != null) {
        responses.onError(Status.INTERNAL.withDescription(failure.toString()).asRuntimeException());
      } else if (outcome.kind() == FilterOutcome.Kind.APPLIED) {
        responses.onNext(CaptureFilterReply.newBuilder().setExpression(outcome.message())
            .setSource(filterChanges.name()).build());
        responses.onCompleted();
      } else {
        Status status = outcome.kind() == FilterOutcome.Kind.BAD_FILTER ? Status.INVALID_ARGUMENT : Status.FAILED_PRECONDITION;
        responses.onError(status.withDescription(outcome.message()).asRuntimeException());
      }
    });
  }

  private static boolean servable(WatchRequest r) {
    return switch (r.getGrouping()) {
      case GROUPING_UNSPECIFIED, HOST_PAIRS, PROCESSES, CONTAINERS -> true;
      default -> false;
    } && r.getNode().isEmpty() && r.getCidrsCount() == 0 && r.getPortsFilterCount() == 0
        && r.getNodesFilterCount() == 0 && r.getText().isEmpty() && r.getWithin().isEmpty() && r.getPod().isEmpty();
  }

  /** Streams open now. */
  public int subscribers() {
    return subscribers.size();
  }

  @Override
  public void tick(MonitorView view) {
    if (view.slotClosed() && subscribers.size() > 0) {
      subscribers.publish(request -> wire(view, request));
    } else if (subscribers.anyNew()) {
      subscribers.welcome(request -> wire(view, request));
    }
    if (view.finished()) {
      subscribers.completeAll();
    }
  }

  /** The view as sent, saying who serves it. */
  private ViewSnapshot wire(MonitorView view, WatchRequest request) {
    return ViewWire.toProto(snapshot(view, request)).toBuilder().setServer(ViewServer.VIEW_SERVER_AGENT).build();
  }

  private Snapshot snapshot(MonitorView view, WatchRequest request) {
    MonitorView.TableView grouping = switch (request.getGrouping()) {
      case PROCESSES -> byProcess;
      case CONTAINERS -> byContainer;
      default -> hostPairs;
    };
    return view.snapshot(ViewWire.fromProto(request), grouping);
  }
}
