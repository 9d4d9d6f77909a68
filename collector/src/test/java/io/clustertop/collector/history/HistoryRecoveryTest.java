package io.clustertop.collector.history;

import static io.clustertop.collector.AgentMessages.SECOND;
import static io.clustertop.collector.AgentMessages.T0;
import static io.clustertop.collector.AgentMessages.batch;
import static io.clustertop.collector.AgentMessages.flow;
import static io.clustertop.collector.AgentMessages.hello;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clustertop.collector.ingest.LocalAgents;
import io.clustertop.collector.merge.IngestLimits;
import io.clustertop.collector.merge.MergeStore;
import io.clustertop.collector.metrics.CollectorMetrics;
import io.clustertop.core.cost.CostConfig;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.FlowDelta;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history file when the disk is not kind: full (SQLite's own page limit stands in for a full
 * disk: the same SQLITE_FULL, the same automatic rollback), and damaged.
 */
class HistoryRecoveryTest {
  private static final String NODE = "10.77.0.1";

  @TempDir
  Path dir;

  private final AtomicLong clock = new AtomicLong(T0 + SECOND);
  private final MergeStore cluster =
      new MergeStore(clock::get, IngestLimits.defaults(), new CollectorMetrics(), CostConfig.defaults().classifier());
  private final LocalAgents agents = new LocalAgents(cluster, IngestLimits.defaults(), new CollectorMetrics(), clock::get);
  private final Object stream = new Object();
  private final HistoryMetrics metrics = new HistoryMetrics();
  private long sequence;
  private long sent;

  private HistoryRecorder recorder(HistoryStore store) throws SQLException {
    return new HistoryRecorder(cluster, CostConfig.defaults(), store,
        new HistoryOptions(dir.resolve("history.db"), Duration.ofDays(1), 1L << 30, 5000), metrics);
  }

  /** A minute of traffic to 300 addresses of the internet, new ones each minute, so each minute needs new pages. */
  private void minuteOfTraffic(int minute) {
    FlowDelta[] flows = new FlowDelta[300];
    for (int i = 0; i < flows.length; i++) {
      flows[i] = flow(NODE, "203.0." + minute + "." + i % 250, 1000 + i, 1, 0, 0);
      sent += 1000 + i;
    }
    agents.batch(stream, batch(++sequence, clock.get(), flows));
  }

  private long written(HistoryStore store) throws SQLException {
    return store.report(0, CostGrouping.BY_NODE, "USD").getTotal().getEgressBytes();
  }

  @Test
  void aFullDiskFailsTheMinutesUntilThereIsRoomThenTheNextWritesThemAllExactly() throws Exception {
    HistoryStore store = HistoryStore.open(dir.resolve("history.db"));
    HistoryRecorder recorder = recorder(store);
    agents.hello(stream, hello("a", 1, 1, NODE));
    minuteOfTraffic(0);
    recorder.flush(clock.get());
    long before = written(store);
    assertEquals(sent, before);

    // The disk fills up: two minutes fail, each rolled back whole and counted.
    for (int minute = 1; minute <= 2; minute++) {
      store.limitPages(store.sizeBytes() / 4096 + 1);
      clock.addAndGet(60 * SECOND);
      minuteOfTraffic(minute);
      SQLException e = assertThrows(SQLException.class, () -> recorder.flush(clock.get()));
      assertTrue(e.getMessage().contains("full"), () -> "the reason, not the rollback's complaint: " + e.getMessage());
      assertEquals(minute, metrics.flushFailures());
      assertEquals(before, written(store), "nothing of a failed minute is in the file");
    }

    // Room again: the next minute writes everything since, once.
    clock.addAndGet(60 * SECOND);
    minuteOfTraffic(3);
    recorder.flush(clock.get());
    assertEquals(sent, written(store));
    recorder.flush(clock.get());
    assertEquals(sent, written(store), "and not twice");
    assertEquals(2, metrics.flushFailures());
    store.close();
  }

  @Test
  void aFileWithDamagedPagesIsRefusedAtStartWithTheReason() throws Exception {
    Path file = dir.resolve("history.db");
    HistoryStore store = HistoryStore.open(file);
    HistoryRecorder recorder = recorder(store);
    agents.hello(stream, hello("a", 1, 1, NODE));
    for (int minute = 0; minute < 3; minute++) {
      minuteOfTraffic(minute);
      recorder.flush(clock.get());
      clock.addAndGet(60 * SECOND);
    }
    store.close();
    long pages = Files.size(file) / 4096;
    assertTrue(pages > 8, "pages: " + pages);
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] junk = new byte[4096];
      Arrays.fill(junk, (byte) 0x5A);
      for (long page = 3; page < pages - 1; page += 2) { // every other page in the middle: b-tree pages, overwritten
        f.seek(page * 4096);
        f.write(junk);
      }
    }
    SQLException e = assertThrows(SQLException.class, () -> HistoryStore.open(file));
    assertTrue(e.getMessage().startsWith("the file is damaged (SQLite's quick_check: "), e.getMessage());
    assertTrue(e.getMessage().endsWith("move it aside or delete it, and the collector starts a new history"), e.getMessage());
  }
}
