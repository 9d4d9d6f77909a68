package io.clustertop.agent.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.clustertop.core.packet.LinkType;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A new capture filter goes to the capture thread, which installs it between two dispatch calls. */
class FilterHandOffTest {
  private CompilingCapture capture;
  private Thread loop;
  /** The handler's batches the loop ended. */
  private final AtomicInteger batchEnds = new AtomicInteger();

  private void startLoop() throws Exception {
    capture = new CompilingCapture();
    PacketHandler counting = new PacketHandler() {
      @Override
      public void packet(MemorySegment segment, long offset, int captured, int wire, LinkType link, long nanos) {
        fail("no packets here");
      }

      @Override
      public void betweenBatches() {
        batchEnds.incrementAndGet();
      }
    };
    loop = Thread.ofPlatform().name("capture").start(() -> capture.run(counting));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (capture != null) {
      capture.stop();
      loop.join(5_000);
      capture.close();
    }
  }

  private static FilterOutcome answer(java.util.concurrent.CompletionStage<FilterOutcome> stage) throws Exception {
    return stage.toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  @Test
  void theFilterIsInstalledOnTheCaptureThread() throws Exception {
    startLoop();
    FilterOutcome outcome = answer(capture.changeFilter("tcp port 80"));
    assertEquals(FilterOutcome.applied("tcp port 80"), outcome);
    assertEquals("tcp port 80", capture.installed);
    assertSame(loop, capture.installedOn);
  }

  @Test
  void aRequestWakesTheLoopWhichEndsTheHandlersBatchThenInstallsIt() throws Exception {
    startLoop();
    FilterOutcome outcome = answer(capture.changeFilter("tcp port 80"));
    assertEquals(FilterOutcome.applied("tcp port 80"), outcome);
    assertEquals(1, capture.wakeUps.get()); // a loop asleep in poll or dispatch takes it at once
    assertTrue(batchEnds.get() >= 1, "the handler's batches end between reads too");
  }

  @Test
  void aBadFilterAnswersLibpcapsErrorAndTheOldOneStays() throws Exception {
    startLoop();
    answer(capture.changeFilter("udp"));
    FilterOutcome outcome = answer(capture.changeFilter("tcp and and"));
    assertEquals(FilterOutcome.Kind.BAD_FILTER, outcome.kind());
    assertTrue(outcome.message().startsWith("bad filter 'tcp and and': "), outcome.message());
    assertTrue(outcome.message().contains("syntax error"), outcome.message()); // libpcap's own words
    assertEquals("udp", capture.installed);
  }

  @Test
  void theEmptyFilterIsInstalledToo() throws Exception {
    startLoop();
    answer(capture.changeFilter("icmp"));
    assertEquals(FilterOutcome.applied(""), answer(capture.changeFilter("")));
    assertEquals("", capture.installed);
  }

  @Test
  void withoutARequestTheInstallerIsNotCalled() {
    new FilterHandOff().applyPending(expression -> fail("installed " + expression));
  }

  @Test
  void aNewerRequestReplacesOneNotYetTaken() {
    FilterHandOff handOff = new FilterHandOff();
    CompletableFuture<FilterOutcome> first = handOff.request("tcp").toCompletableFuture();
    CompletableFuture<FilterOutcome> second = handOff.request("udp").toCompletableFuture();
    assertEquals(FilterOutcome.Kind.NOT_POSSIBLE, first.join().kind());
    assertFalse(second.isDone());
    String[] installed = {null};
    handOff.applyPending(expression -> installed[0] = expression);
    assertEquals("udp", installed[0]);
    assertEquals(FilterOutcome.applied("udp"), second.join());
  }

  @Test
  void onceTheLoopEndedRequestsAreAnsweredThatTheCaptureStopped() throws Exception {
    startLoop();
    capture.stop();
    loop.join(5_000);
    assertEquals(FilterOutcome.notPossible("the capture on test0 has stopped"), answer(capture.changeFilter("tcp")));
  }

  @Test
  void onceTheCaptureStoppedRequestsAreAnsweredThatItHas() {
    FilterHandOff handOff = new FilterHandOff();
    CompletableFuture<FilterOutcome> waiting = handOff.request("tcp").toCompletableFuture();
    handOff.close("the capture on test0 has stopped");
    assertEquals(FilterOutcome.notPossible("the capture on test0 has stopped"), waiting.join());
    assertEquals(FilterOutcome.notPossible("the capture on test0 has stopped"),
        handOff.request("udp").toCompletableFuture().join());
  }

  @Test
  void aFileRefusesWithAMessage() throws Exception {
    try (CaptureFile file = CaptureFile.open(java.nio.file.Path.of("src/test/resources/captures/mix.pcap"))) {
      FilterOutcome outcome = answer(file.changeFilter("tcp"));
      assertEquals(FilterOutcome.Kind.NOT_POSSIBLE, outcome.kind());
      assertTrue(outcome.message().startsWith("reading a file: "), outcome.message());
    }
  }
}
