package io.clustertop.benchmarks;

import io.clustertop.console.keys.DisplayState;
import io.clustertop.console.names.EndpointNames;
import io.clustertop.console.names.NumericHostNamer;
import io.clustertop.console.names.ServiceNamer;
import io.clustertop.console.screen.BarScale;
import io.clustertop.console.screen.Glyphs;
import io.clustertop.console.screen.Overlay;
import io.clustertop.console.screen.ScreenLine;
import io.clustertop.console.screen.ScreenRenderer;
import io.clustertop.console.terminal.AnsiScreen;
import io.clustertop.core.flow.IpAddress;
import io.clustertop.core.units.Units;
import io.clustertop.core.view.CaptureCounters;
import io.clustertop.core.view.Endpoint;
import io.clustertop.core.view.Rates;
import io.clustertop.core.view.Row;
import io.clustertop.core.view.Snapshot;
import io.clustertop.core.view.Totals;
import io.clustertop.core.view.Traffic;
import io.clustertop.core.view.ViewOptions;
import io.clustertop.proto.ViewWire;
import io.clustertop.proto.v1.ViewSnapshot;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One frame of the full screen for a snapshot of {@code rows} rows on a 200x60 terminal, against
 * the 2-second refresh: {@code render} is what the screen does with a new snapshot (the scale
 * follows the largest of all the rows, then the visible ones are laid out); {@code frame} adds
 * writing every line as ANSI (a first frame, nothing to diff against); {@code receive} adds
 * decoding the snapshot from its protobuf form, as a console attached to a collector does.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScreenRenderBenchmark {
  private static final int WIDTH = 200;
  private static final int HEIGHT = 60;

  @Param({"10000"})
  int rows;

  private Snapshot snapshot;
  private ViewSnapshot wire;
  private DisplayState state;
  private ScreenRenderer renderer;
  private EndpointNames names;
  private PrintStream sink;

  @Setup
  public void setUp() {
    SplittableRandom random = new SplittableRandom(4);
    List<Row> list = new ArrayList<>(rows);
    Traffic sentTotal = Traffic.ZERO;
    Traffic receivedTotal = Traffic.ZERO;
    for (int i = 0; i < rows; i++) {
      Traffic sent = traffic(random);
      Traffic received = traffic(random);
      list.add(new Row(new Endpoint(IpAddress.v4(0x0A000000L + i), Endpoint.NO_PORT),
          new Endpoint(IpAddress.v4(0xC0000200L + random.nextInt(1 << 16)), Endpoint.NO_PORT), -1, sent, received, 1));
      sentTotal = sentTotal.plus(sent);
      receivedTotal = receivedTotal.plus(received);
    }
    CaptureCounters counters = new CaptureCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    snapshot = new Snapshot(0, "eth0", List.copyOf(list), null, new Totals(sentTotal, receivedTotal, 1e6), counters, rows);
    wire = ViewWire.toProto(snapshot);
    state = new DisplayState(ViewOptions.defaults(), false, false);
    renderer = new ScreenRenderer(Units.BITS, Glyphs.UNICODE);
    names = new EndpointNames(new NumericHostNamer(), ServiceNamer.numeric());
    sink = new PrintStream(OutputStream.nullOutputStream(), false, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Traffic traffic(SplittableRandom random) {
    double rate = random.nextDouble(1e6);
    Rates rates = new Rates(rate, rate * 0.9, rate * 0.8);
    return new Traffic(random.nextLong(1L << 30), random.nextLong(1L << 20), rates, rates, rate);
  }

  private List<ScreenLine> render(Snapshot s) {
    BarScale scale = BarScale.following();
    scale.follow(renderer.largestBar(s, state));
    return renderer.render(s, null, state, names, scale, Overlay.NONE, WIDTH, HEIGHT); // host pairs: no cost
  }

  @Benchmark
  public List<ScreenLine> render() {
    return render(snapshot);
  }

  @Benchmark
  public void frame() {
    new AnsiScreen(sink).draw(render(snapshot));
  }

  @Benchmark
  public void receive() {
    new AnsiScreen(sink).draw(render(ViewWire.fromProto(wire)));
  }
}
