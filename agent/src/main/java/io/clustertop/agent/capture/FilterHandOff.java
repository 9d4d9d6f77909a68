package io.clustertop.agent.capture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hands a new capture filter from any thread to the capture thread, which applies it between two
 * {@code pcap_dispatch} calls: libpcap's handle is not thread-safe, and setting a filter while the
 * loop reads the ring would race with it. The capture thread never waits: it looks at one volatile
 * field per dispatch call (not per packet) and finds it empty almost always.
 *
 * <p>Only the newest request is kept: one that arrives before the capture thread took the previous
 * one replaces it, and the previous one is answered that it was replaced.
 *
 * <p>Thread safety: {@link #request} and {@link #close} from any thread; {@link #applyPending} on
 * the capture thread only.
 */
public final class FilterHandOff {
  /** Compiles and installs a filter on the capture thread; throws with libpcap's message. */
  @FunctionalInterface
  public interface Installer {
    void install(String expression) throws CaptureException;
  }

  private record Request(String expression, CompletableFuture<FilterOutcome> result) {}

  private final AtomicReference<Request> pending = new AtomicReference<>();
  private volatile String closedBecause;

  /** Asks for {@code expression} ("" for everything); completes once the capture thread tried it. */
  public CompletionStage<FilterOutcome> request(String expression) {
    Request request = new Request(expression, new CompletableFuture<>());
    Request replaced = pending.getAndSet(request);
    if (replaced != null) {
      replaced.result.complete(FilterOutcome.notPossible("replaced by a newer filter before it was applied"));
    }
    String closed = closedBecause;
    if (closed != null) {
      refuseAll(closed); // closed while we queued: no capture thread will come for it
    }
    return request.result;
  }

  /** On the capture thread: installs the pending filter, if any. Without a request: one volatile read. */
  public void applyPending(Installer installer) {
    if (pending.get() == null) {
      return;
    }
    Request request = pending.getAndSet(null);
    if (request == null) {
      return;
    }
    try {
      installer.install(request.expression);
      request.result.complete(FilterOutcome.applied(request.expression));
    } catch (CaptureException e) {
      request.result.complete(FilterOutcome.badFilter(e.getMessage()));
    } catch (RuntimeException e) {
      request.result.complete(FilterOutcome.notPossible("the capture filter could not be set: " + e.getMessage()));
    }
  }

  /** The capture has stopped: this and every later request is answered {@code why}. */
  public void close(String why) {
    closedBecause = why;
    refuseAll(why);
  }

  private void refuseAll(String why) {
    Request request = pending.getAndSet(null);
    if (request != null) {
      request.result.complete(FilterOutcome.notPossible(why));
    }
  }
}
