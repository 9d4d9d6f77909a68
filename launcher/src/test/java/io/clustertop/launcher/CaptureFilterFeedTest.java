package io.clustertop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clustertop.agent.capture.CaptureFile;
import io.clustertop.agent.capture.FilterOutcome;
import io.clustertop.agent.capture.PacketHandler;
import io.clustertop.agent.capture.PacketSource;
import io.clustertop.agent.watch.NodeWatchService;
import io.clustertop.collector.CollectorServer;
import io.clustertop.console.remote.RemoteFeed;
import io.clustertop.console.remote.WatchClient;
import io.clustertop.console.screen.CaptureFilterAnswer;
import io.clustertop.console.screen.RowGrouping;
import io.clustertop.console.screen.ViewFeed;
import io.clustertop.console.screen.ViewRequest;
import io.clustertop.console.status.Attachment;
import io.clustertop.core.view.ViewOptions;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The screen's {@code f} through both feeds: what the full screen is told for each answer of the
 * capture, locally and over gRPC from an agent or the collector.
 */
class CaptureFilterFeedTest {
  private static final String FILE_REFUSAL_START = "reading a file: ";

  /** A capture that answers as told, to see each answer cross the wire. */
  private record Answering(FilterOutcome outcome) implements PacketSource {
    @Override
    public CompletionStage<FilterOutcome> changeFilter(String expression) {
      return CompletableFuture.completedFuture(outcome);
    }

    @Override public String name() { return "test0"; }
    @Override public boolean live() { return true; }
    @Override public void run(PacketHandler handler) { }
    @Override public void wakeUp() { }
    @Override public void stop() { }
    @Override public void close() { }
  }

  private static CaptureFilterAnswer ask(ViewFeed feed, String expression) throws Exception {
    return feed.changeCaptureFilter(expression).toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  private static CaptureFilterAnswer askAgent(NodeWatchService service, String expression) throws Exception {
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(service).build().start();
    try (WatchClient client = new WatchClient("127.0.0.1:" + server.getPort(), InsecureChannelCredentials.create());
        RemoteFeed feed = new RemoteFeed(client)) {
      return ask(feed, expression);
    } finally {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void locallyTheSourcesAnswerIsTheScreens() throws Exception {
    assertEquals(CaptureFilterAnswer.APPLIED,
        ask(new LocalFeed(new Answering(FilterOutcome.applied("tcp")), ViewOptions.defaults()), "tcp"));
    assertEquals(CaptureFilterAnswer.refused("bad filter 'tcp and': syntax error"), ask(new LocalFeed(
        new Answering(FilterOutcome.badFilter("bad filter 'tcp and': syntax error")), ViewOptions.defaults()), "tcp and"));
    try (CaptureFile file = CaptureFile.open(MainTest.capture("mix.pcap"))) {
      CaptureFilterAnswer answer = ask(new LocalFeed(file, ViewOptions.defaults()), "tcp");
      assertEquals(false, answer.applied());
      assertEquals(true, answer.reason().startsWith(FILE_REFUSAL_START), answer.reason());
    }
  }

  @Test
  void fromAnAgentTheReplyOrItsRefusalIsTheScreens() throws Exception {
    assertEquals(CaptureFilterAnswer.APPLIED,
        askAgent(new NodeWatchService(new Answering(FilterOutcome.applied("tcp"))), "tcp"));
    assertEquals(CaptureFilterAnswer.refused("bad filter 'tcp and': syntax error"), askAgent(
        new NodeWatchService(new Answering(FilterOutcome.badFilter("bad filter 'tcp and': syntax error"))), "tcp and"));
    CaptureFilterAnswer notAllowed = askAgent(new NodeWatchService(), "tcp");
    assertEquals(CaptureFilterAnswer.refused(
        "this agent does not change its capture filter: start it with --allow-filter-change to allow it"), notAllowed);
    try (CaptureFile file = CaptureFile.open(MainTest.capture("mix.pcap"))) {
      CaptureFilterAnswer replay = askAgent(new NodeWatchService(file), "tcp");
      assertEquals(true, replay.reason().startsWith(FILE_REFUSAL_START), replay.reason());
    }
  }

  @Test
  void theCollectorSaysWhereToGo() throws Exception {
    CollectorServer collector = TestCollector.start("--listen", "127.0.0.1:0");
    try (WatchClient client = new WatchClient("127.0.0.1:" + collector.port(), InsecureChannelCredentials.create());
        RemoteFeed feed = new RemoteFeed(client)) {
      // what the feed is attached to, learnt from the first snapshot (the collector sends one at once),
      // is what lets the screen refuse f at the key press
      assertEquals(Attachment.REMOTE, feed.attachment());
      feed.watch(new ViewRequest(ViewOptions.defaults().withLimit(10), RowGrouping.HOST_PAIRS, ""));
      for (int i = 0; i < 1_000 && feed.take() == null; i++) {
        Thread.sleep(10);
      }
      assertEquals(Attachment.COLLECTOR, feed.attachment(), feed.connection());
      assertEquals(CaptureFilterAnswer.refused(
          "the collector does not capture; attach to an agent started with --allow-filter-change"), ask(feed, "tcp"));
    } finally {
      collector.stop();
    }
  }
}
