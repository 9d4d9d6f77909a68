package io.clustertop.collector.watch;

import io.clustertop.collector.log.RateLimitedLog;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.peer.PeerKey;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.collector.view.ViewRegistry;
import io.clustertop.core.cost.PriceList;
import io.clustertop.core.rows.Frame;
import io.clustertop.core.rows.ViewSpec;
import io.clustertop.core.window.SlotClock;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.CaptureFilterReply;
import io.clustertop.proto.v1.CaptureFilterRequest;
import io.clustertop.proto.v1.NodeStatus;
import io.clustertop.proto.v1.ViewSnapshot;
import io.clustertop.proto.v1.WatchGrpc;
import io.clustertop.proto.v1.WatchRequest;
import io.clustertop.proto.watch.WatchRequests;
import io.clustertop.proto.watch.WatchSubscribers;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The collector's side of {@code Watch.Subscribe}: a snapshot at once, then one per 2-second slot
 * when {@link #publish} runs (the server calls it once a slot is complete). At each publication
 * every watched view is read once into a frame, shared by its subscribers; each subscriber's own
 * work is its filter, order and cut. Each subscriber keeps only its latest unsent snapshot and gets
 * it when its stream is ready (flow control), so a stuck console costs one snapshot of memory and
 * no one's time, and after {@link WatchLimits#maxUnread} publications untaken its stream is closed.
 * Streams are bounded in all and per console ({@link WatchLimits}); past either, RESOURCE_EXHAUSTED.
 *
 * <p>Thread safety: safe; subscribers come and go on gRPC's threads while {@link #publish} runs on
 * the server's ticker.
 */
public final class WatchService extends WatchGrpc.WatchImplBase {
  private static final RateLimitedLog REFUSED =
      new RateLimitedLog(System.getLogger(WatchService.class.getName()), 60_000_000_000L);
  private final MergeStore merge;
  private final ViewRegistry views;
  private final CollectorMetrics metrics;
  private final PriceList prices;
  private final WatchSubscribers subscribers;
  private final List<io.clustertop.proto.v1.Grouping> offered;
  private final WatchLimits limits;
  /** Open streams, in all and by console ({@link PeerKey}). */
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<String, Integer> byConsole = new ConcurrentHashMap<>();

  public WatchService(MergeStore merge, ViewRegistry views, CollectorMetrics metrics, PriceList prices) {
    this(merge, views, metrics, prices, WatchLimits.defaults());
  }

  public WatchService(MergeStore merge, ViewRegistry views, CollectorMetrics metrics, PriceList prices,
      WatchLimits limits) {
    this.merge = merge;
    this.views = views;
    this.metrics = metrics;
    this.prices = prices;
    this.limits = limits;
    this.offered = SnapshotCut.offered(merge.placer().kubernetes());
    this.subscribers = new WatchSubscribers(metrics::snapshotDropped, limits.maxUnread(), () -> {
      metrics.watchClosedUnread();
      REFUSED.log(System.Logger.Level.WARNING, "unread", "closed a watch stream that took no snapshot for {0}"
          + " publications (--watch-unread-publications)", limits.maxUnread());
    });
  }

  /** The service as the server adds it: with the interceptor that tells it which console calls. */
  public ServerServiceDefinition definition() {
    return ServerInterceptors.intercept(bindService(), new PeerKey());
  }

  /** Takes a place for one more stream of {@code console}, or says which limit it passes. */
  private String admit(String console) {
    if (open.incrementAndGet() > limits.maxSubscribers()) {
      open.decrementAndGet();
      return "the collector serves " + limits.maxSubscribers() + " watch streams already (--max-subscribers)";
    }
    boolean[] over = {false};
    byConsole.compute(console, (k, n) -> {
      int now = n == null ? 0 : n;
      over[0] = now >= limits.maxPerConsole();
      return over[0] ? n : now + 1;
    });
    if (over[0]) {
      open.decrementAndGet();
      return console + " has " + limits.maxPerConsole() + " watch streams open already (--max-subscribers-per-console)";
    }
    return null;
  }

  private void leave(String console) {
    open.decrementAndGet();
    byConsole.computeIfPresent(console, (k, n) -> n <= 1 ? null : n - 1);
  }

  @Override
  public void subscribe(WatchRequest request, StreamObserver<ViewSnapshot> responses) {
    String refused = WatchRequests.problem(request);
    try {
      ViewWire.filter(request); // refuse a bad CIDR now, not at the first slot
    } catch (IllegalArgumentException e) {
      refused = e.getMessage();
    }
    if (refused != null) {
      responses.onError(Status.INVALID_ARGUMENT.withDescription(refused).asRuntimeException());
      return;
    }
    String console = PeerKey.identity();
    String full = admit(console);
    if (full != null) {
      metrics.watchRefused();
      REFUSED.log(System.Logger.Level.WARNING, "full", "refused a watch: {0}", full);
      responses.onError(Status.RESOURCE_EXHAUSTED.withDescription(full).asRuntimeException());
      return;
    }
    ViewSpec spec = ViewWire.spec(request);
    views.acquire(spec);
    long latest = SlotClock.latestCompleted(merge.nowNanos());
    ViewSnapshot first = snapshot(request, frame(spec, latest));
    subscribers.subscribe(request, responses, () -> {
      views.release(spec);
      leave(console);
    }).offer(first);
  }

  /** The collector counts what agents send; the filter is an agent's, so say where to go. */
  @Override
  public void setCaptureFilter(CaptureFilterRequest request, StreamObserver<CaptureFilterReply> responses) {
    responses.onError(Status.UNIMPLEMENTED
        .withDescription("the collector does not capture; attach to an agent started with --allow-filter-change")
        .asRuntimeException());
  }

  /**
   * Offers every subscriber its snapshot as of the end of slot {@code latestCompleted}: each watched
   * view read once into a frame, then cut per subscriber.
   */
  public void publish(long latestCompleted) {
    views.refresh();
    Map<ViewSpec, Published> frames = new HashMap<>();
    subscribers.publish(request -> {
      Published p = frames.computeIfAbsent(ViewWire.spec(request), spec -> frame(spec, latestCompleted));
      return p == null ? null : snapshot(request, p);
    });
  }

  /** Ends every stream (the server is stopping). */
  public void completeAll() {
    subscribers.completeAll();
  }

  public int subscribers() {
    return subscribers.size();
  }

  /** A view read once for its subscribers: its frame, and its nodes' statuses as messages. */
  private record Published(Frame frame, List<NodeStatus> nodes) {}

  /** The view's frame as of {@code latestCompleted} with its nodes' statuses, or null if nobody watches it. */
  private Published frame(ViewSpec spec, long latestCompleted) {
    long start = System.nanoTime();
    Frame frame = views.frame(spec, latestCompleted);
    if (frame == null) {
      return null;
    }
    Published p = new Published(frame, SnapshotCut.nodes(frame));
    metrics.frameBuilt(spec, System.nanoTime() - start);
    return p;
  }

  /** One subscriber's cut of a frame: its filter, order and rows, the exact "other", as a message. */
  private ViewSnapshot snapshot(WatchRequest request, Published p) {
    long start = System.nanoTime();
    ViewSnapshot out = SnapshotCut.of(request, p.frame(), prices, p.nodes(), offered,
        merge.placer().metadata() == null ? "" : merge.placer().metadata().status().summary());
    metrics.cut(p.frame().spec(), System.nanoTime() - start);
    return out;
  }
}
