package io.clustertop.launcher;

import io.clustertop.agent.capture.FilterOutcome;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.monitor.MonitorView;
import io.clustertop.agent.monitor.TickListener;
import io.clustertop.console.screen.CaptureFilterAnswer;
import io.clustertop.console.screen.ViewFeed;
import io.clustertop.console.screen.ViewRequest;
import io.clustertop.console.status.Attachment;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.ViewOptions;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The full screen's feed from a local {@link io.clustertop.agent.monitor.Monitor}: a snapshot at
 * every closed slot, and at the next tick after the screen asks for another view (another order,
 * ports, filter...). When the capture or the file has ended, the table no longer changes, so a new
 * view is then taken at once, on the screen's thread, from the final tick's view.
 *
 * <p>A capture filter change goes to the source, which applies it on the capture thread.
 *
 * <p>Thread safety: {@link #tick} on the monitor's thread; the rest on the screen's.
 */
final class LocalFeed implements ViewFeed, TickListener {
  private final PacketSource source;
  private final String name;
  private final AtomicReference<Snapshot> latest = new AtomicReference<>();
  private volatile ViewOptions wanted;
  private volatile boolean changed;
  private volatile MonitorView ended;
  private volatile String failure;

  LocalFeed(PacketSource source, ViewOptions initial) {
    this.source = source;
    this.name = source.name();
    this.wanted = initial;
  }

  @Override
  public void watch(ViewRequest request) {
    ViewOptions view = request.view();
    if (view.equals(wanted)) {
      return;
    }
    wanted = view;
    MonitorView finalView = ended;
    if (finalView != null) {
      latest.set(finalView.snapshot(view));
    } else {
      changed = true;
    }
  }

  @Override
  public void tick(MonitorView view) {
    if (view.slotClosed() || changed || view.finished()) {
      changed = false;
      latest.set(view.snapshot(wanted));
    }
    if (view.finished()) {
      ended = view;
    }
  }

  @Override
  public Update take() {
    Snapshot next = latest.getAndSet(null);
    return next == null ? null : new Update(next, null); // cost is the collector's: prices and classes are its own
  }

  @Override
  public CompletionStage<CaptureFilterAnswer> changeCaptureFilter(String expression) {
    return source.changeFilter(expression).thenApply(outcome -> outcome.kind() == FilterOutcome.Kind.APPLIED
        ? CaptureFilterAnswer.APPLIED
        : CaptureFilterAnswer.refused(outcome.message()));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Attachment attachment() {
    return source.live() ? Attachment.LOCAL_CAPTURE : Attachment.LOCAL_FILE;
  }

  /** The capture failed: the status line says so; the figures up to the failure stay. */
  void failed(String why) {
    failure = "capture failed: " + why;
  }

  @Override
  public String connection() {
    return failure;
  }

  @Override
  public void close() {
    // the monitor that feeds it is stopped by its owner
  }
}
