package io.clustertop.collector.history;

import io.clustertop.collector.cost.CostLedger;
import io.clustertop.collector.cost.LedgerKey;
import io.clustertop.core.cost.Direction;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The history file: SQLite through sqlite-jdbc, in WAL mode with {@code synchronous=FULL}, so a
 * minute's rows and baselines are either all on disk or not at all, whatever happens to the process
 * or the machine. Incremental auto-vacuum gives deleted pages back, so the size bound holds.
 *
 * <pre>
 * rollup(minute, node, dimension, class, direction, key, bytes, cost)   one row per ledger line
 * baseline(agent, epoch, dimension, class, direction, key, bytes, minute) each epoch's cumulative bytes
 * </pre>
 *
 * <p>Thread safety: safe; one connection, every method synchronized (a flush a minute, a report now
 * and then). Performance: a report reads every row in its range once.
 */
public final class HistoryStore implements AutoCloseable {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final Connection db;

  private HistoryStore(Connection db) {
    this.db = db;
  }

  /** Opens (or makes) the file; an SQLException says why it cannot be used. */
  public static HistoryStore open(Path file) throws SQLException {
    Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA auto_vacuum = INCREMENTAL"); // takes effect only on a new file, which is when it matters
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA synchronous = FULL");
      s.execute("""
          CREATE TABLE IF NOT EXISTS rollup (
            minute INTEGER NOT NULL, node TEXT NOT NULL, dimension TEXT NOT NULL, class TEXT NOT NULL,
            direction TEXT NOT NULL, key TEXT NOT NULL, bytes INTEGER NOT NULL, cost TEXT NOT NULL)""");
      s.execute("CREATE INDEX IF NOT EXISTS rollup_by_minute ON rollup (minute, dimension)");
      s.execute("""
          CREATE TABLE IF NOT EXISTS baseline (
            agent TEXT NOT NULL, epoch INTEGER NOT NULL, dimension TEXT NOT NULL, class TEXT NOT NULL,
            direction TEXT NOT NULL, key TEXT NOT NULL, bytes INTEGER NOT NULL, minute INTEGER NOT NULL,
            PRIMARY KEY (agent, epoch, dimension, class, direction, key)) WITHOUT ROWID""");
      s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
    } catch (SQLException e) {
      db.close();
      throw e;
    }
    db.setAutoCommit(false);
    return new HistoryStore(db);
  }

  /** Every stored baseline: what each agent epoch had been written up to. */
  synchronized Map<EpochId, CostLedger> baselines() throws SQLException {
    Map<EpochId, CostLedger> out = new HashMap<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT agent, epoch, dimension, class, direction, key, bytes FROM baseline")) {
      while (r.next()) {
        out.computeIfAbsent(new EpochId(r.getString(1), r.getLong(2)), k -> new CostLedger())
            .put(r.getString(3).equals(RollupRow.Dimension.SERVICE.column),
                new LedgerKey(r.getString(4), Direction.byLabel(r.getString(5)), r.getString(6)), r.getLong(7));
      }
    }
    db.commit();
    return out;
  }

  /**
   * One minute, in one transaction: its rows, the baselines of the epochs that moved ({@code now}:
   * their cumulative ledgers, {@code changed}: which lines moved), and the removal of ended epochs'.
   */
  synchronized void write(long minute, List<RollupRow> rows, Map<EpochId, CostLedger> now,
      Map<EpochId, CostLedger> changed, List<EpochId> ended) throws SQLException {
    try (PreparedStatement insert = db.prepareStatement(
            "INSERT INTO rollup (minute, node, dimension, class, direction, key, bytes, cost) VALUES (?,?,?,?,?,?,?,?)");
        PreparedStatement upsert = db.prepareStatement(
            "INSERT OR REPLACE INTO baseline (agent, epoch, dimension, class, direction, key, bytes, minute)"
                + " VALUES (?,?,?,?,?,?,?,?)");
        PreparedStatement dropEpoch = db.prepareStatement("DELETE FROM baseline WHERE agent = ? AND epoch = ?")) {
      for (RollupRow row : rows) {
        insert.setLong(1, minute);
        insert.setString(2, row.node());
        insert.setString(3, row.dimension().column);
        insert.setString(4, row.line().costClass());
        insert.setString(5, row.line().direction().label());
        insert.setString(6, row.line().key());
        insert.setLong(7, row.bytes());
        insert.setString(8, row.cost().toPlainString());
        insert.addBatch();
      }
      insert.executeBatch();
      for (Map.Entry<EpochId, CostLedger> e : changed.entrySet()) {
        CostLedger current = now.get(e.getKey());
        for (RollupRow.Dimension d : RollupRow.Dimension.values()) {
          Map<LedgerKey, Long> moved = d == RollupRow.Dimension.REMOTE ? e.getValue().byRemote() : e.getValue().byService();
          Map<LedgerKey, Long> totals = d == RollupRow.Dimension.REMOTE ? current.byRemote() : current.byService();
          for (LedgerKey k : moved.keySet()) {
            upsert.setString(1, e.getKey().agent());
            upsert.setLong(2, e.getKey().epoch());
            upsert.setString(3, d.column);
            upsert.setString(4, k.costClass());
            upsert.setString(5, k.direction().label());
            upsert.setString(6, k.key());
            upsert.setLong(7, totals.getOrDefault(k, 0L));
            upsert.setLong(8, minute);
            upsert.addBatch();
          }
        }
      }
      upsert.executeBatch();
      for (EpochId id : ended) {
        dropEpoch.setString(1, id.agent());
        dropEpoch.setLong(2, id.epoch());
        dropEpoch.executeUpdate();
      }
      db.commit();
    } catch (SQLException e) {
      db.rollback();
      throw e;
    }
  }

  /**
   * Deletes minutes before {@code oldestKept} (and baselines not moved since, of epochs that never came
   * back), then the oldest minutes while the file is larger than {@code maxBytes}.
   *
   * @return rows expired and rows evicted for size
   */
  synchronized long[] prune(long oldestKept, long maxBytes) throws SQLException {
    long expired;
    long evicted = 0;
    try (PreparedStatement rows = db.prepareStatement("DELETE FROM rollup WHERE minute < ?");
        PreparedStatement baselines = db.prepareStatement("DELETE FROM baseline WHERE minute < ?")) {
      rows.setLong(1, oldestKept);
      expired = rows.executeUpdate();
      baselines.setLong(1, oldestKept);
      baselines.executeUpdate();
      db.commit();
      vacuum();
      while (sizeBytes() > maxBytes) {
        long[] range = minuteRange();
        if (range == null) {
          break;
        }
        // A tenth of what is kept at a time: few passes, and never the newest minute while older ones exist.
        long cut = range[0] + Math.max(1, (range[1] - range[0]) / 10);
        rows.setLong(1, cut);
        int n = rows.executeUpdate();
        db.commit();
        vacuum();
        evicted += n;
        if (n == 0 || cut > range[1]) {
          break;
        }
      }
    } catch (SQLException e) {
      db.rollback();
      throw e;
    }
    return new long[] {expired, evicted};
  }

  private void vacuum() throws SQLException {
    db.setAutoCommit(true);
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA incremental_vacuum");
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    } finally {
      db.setAutoCommit(false);
    }
  }

  /** The file's size as SQLite counts it (pages in use and free), without the write-ahead log. */
  synchronized long sizeBytes() throws SQLException {
    try (Statement s = db.createStatement()) {
      long pages = single(s, "PRAGMA page_count");
      long size = single(s, "PRAGMA page_size");
      return pages * size;
    }
  }

  private long[] minuteRange() throws SQLException {
    try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT MIN(minute), MAX(minute) FROM rollup")) {
      r.next();
      long min = r.getLong(1);
      return r.wasNull() ? null : new long[] {min, r.getLong(2)};
    }
  }

  private static long single(Statement s, String sql) throws SQLException {
    try (ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** The minutes from {@code sinceMinute} on, grouped {@code by}, largest cost first, with the total. */
  public synchronized CostReport report(long sinceMinute, CostGrouping by, String currency) throws SQLException {
    String column = switch (by) {
      case BY_CLASS -> "class";
      case BY_REMOTE, BY_SERVICE -> "key";
      default -> "node";
    };
    String dimension = (by == CostGrouping.BY_SERVICE ? RollupRow.Dimension.SERVICE : RollupRow.Dimension.REMOTE).column;
    Map<String, Sums> groups = new TreeMap<>();
    Sums total = new Sums();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    try (PreparedStatement q = db.prepareStatement("SELECT minute, " + column
        + ", direction, bytes, cost FROM rollup WHERE minute >= ? AND dimension = ?")) {
      q.setLong(1, sinceMinute);
      q.setString(2, dimension);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          first = Math.min(first, r.getLong(1));
          last = Math.max(last, r.getLong(1));
          Direction d = Direction.byLabel(r.getString(3));
          BigDecimal cost = new BigDecimal(r.getString(5));
          groups.computeIfAbsent(r.getString(2), k -> new Sums()).add(d, r.getLong(4), cost);
          total.add(d, r.getLong(4), cost);
        }
      }
    } finally {
      db.commit();
    }
    List<CostLine> lines = new ArrayList<>();
    groups.forEach((k, s) -> lines.add(s.line(k)));
    lines.sort(Comparator.comparing((CostLine l) -> new BigDecimal(l.getCost())).reversed()
        .thenComparing(CostLine::getKey));
    CostReport.Builder out = CostReport.newBuilder().setCurrency(currency).addAllLines(lines).setTotal(total.line("total"));
    if (first != Long.MAX_VALUE) {
      out.setFirstMinuteUnixNanos(first * MINUTE_NANOS).setLastMinuteUnixNanos(last * MINUTE_NANOS);
    }
    return out.build();
  }

  /** A currency stored with the history, so a report of minutes priced in another is refused, not mixed. */
  public synchronized String currency() throws SQLException {
    try (PreparedStatement q = db.prepareStatement("SELECT value FROM meta WHERE name = 'currency'");
        ResultSet r = q.executeQuery()) {
      String v = r.next() ? r.getString(1) : null;
      db.commit();
      return v;
    }
  }

  public synchronized void setCurrency(String currency) throws SQLException {
    try (PreparedStatement u = db.prepareStatement("INSERT OR REPLACE INTO meta (name, value) VALUES ('currency', ?)")) {
      u.setString(1, currency);
      u.executeUpdate();
      db.commit();
    }
  }

  @Override
  public synchronized void close() throws SQLException {
    db.close();
  }

  /** Sums of one group. */
  private static final class Sums {
    final long[] bytes = new long[Direction.values().length];
    BigDecimal cost = BigDecimal.ZERO;

    void add(Direction d, long b, BigDecimal c) {
      bytes[d.ordinal()] += b;
      cost = cost.add(c);
    }

    CostLine line(String key) {
      return CostLine.newBuilder().setKey(key)
          .setEgressBytes(bytes[Direction.EGRESS.ordinal()])
          .setIngressBytes(bytes[Direction.INGRESS.ordinal()])
          .setInternalBytes(bytes[Direction.INTERNAL.ordinal()])
          .setCost(cost.stripTrailingZeros().toPlainString())
          .build();
    }
  }
}
