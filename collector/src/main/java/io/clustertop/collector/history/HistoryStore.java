package io.clustertop.collector.history;

import io.clustertop.collector.cost.CostLedger;
import io.clustertop.collector.cost.LedgerDimension;
import io.clustertop.collector.cost.LedgerKey;
import io.clustertop.core.cost.Direction;
import io.clustertop.core.cost.PriceList;
import io.clustertop.proto.CostReports;
import io.clustertop.proto.v1.CostGrouping;
import io.clustertop.proto.v1.CostDirection;
import io.clustertop.proto.v1.CostLine;
import io.clustertop.proto.v1.CostReport;
import io.clustertop.proto.v1.PricedBytes;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
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
 * rollup(minute, dimension, node -> name, price -> price, key, bytes)   one row per ledger line and minute
 * baseline(epoch -> epoch, dimension, class -> name, direction -> name,   each epoch's cumulative bytes,
 *          key, bytes, minute)                                           one row per ledger line
 * name(id, name)                                                        node, class and direction names
 * price(id, class, direction, per_unit, unit_bytes)                     every price a row was written at
 * epoch(id, agent, epoch, placed)                                       agent epochs with a baseline
 * meta(name, value)                                                     currency, placed_from
 * </pre>
 * Names and prices are few (nodes, classes), so rows are numbers and a key each: a remote, a service,
 * a namespace or a workload ({@link LedgerDimension}, stored as its ordinal).
 *
 * <p>Versions ({@code PRAGMA user_version}): 0 kept the remote and service dimensions only; 1 adds
 * namespace and workload. A version-0 file is migrated when opened, in one transaction: its epochs are
 * marked not placed (their baselines hold no namespace lines, so their next minute's bytes go to
 * {@link LedgerKey#NOT_RECORDED}, see {@link CostLedger#minus}), and {@code placed_from} is set to the
 * minute after its last: a report by namespace or workload shows the minutes before it, read from the
 * remote dimension, as {@link LedgerKey#NOT_RECORDED}, so every grouping has the same total.
 *
 * <p>A row holds bytes and the price they were written at, not a cost: the cost of a sum of rows is
 * the sum of bytes per price times the price, exactly, so reports add bytes in SQL and multiply once
 * per price in {@link BigDecimal}, and a change of prices leaves the minutes before it as they were.
 * Rows are clustered by minute (a table without rowid, its key the row's identity), so there is no
 * separate index; a second write in one minute (a restart within the minute) adds to the row.
 *
 * <p>Thread safety: safe; one connection, every method synchronized (a flush a minute, a report now
 * and then). Performance: a report adds up every row in its range in SQL, then one multiplication
 * per group and price.
 */
public final class HistoryStore implements AutoCloseable {
  private static final long MINUTE_NANOS = 60_000_000_000L;
  /** The file's format ({@code PRAGMA user_version}): see the class's comment. */
  static final int VERSION = 1;

  private final Path file;
  /** Replaced by a fresh connection after a failed transaction. */
  private Connection db;

  private HistoryStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /**
   * Opens (or makes) the file; an SQLException says why it cannot be used. A file with damaged
   * pages is refused with SQLite's own account of the damage ({@code PRAGMA quick_check}), rather
   * than taken and then failing every write.
   */
  public static HistoryStore open(Path file) throws SQLException {
    return new HistoryStore(file, connect(file));
  }

  private static Connection connect(Path file) throws SQLException {
    Connection db = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
    try (Statement s = db.createStatement()) {
      check(s);
      s.execute("PRAGMA auto_vacuum = INCREMENTAL"); // takes effect only on a new file, which is when it matters
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("PRAGMA synchronous = FULL");
      long version = single(s, "PRAGMA user_version");
      if (version > VERSION) {
        throw new SQLException("the file is of a newer clustertop (history format " + version + ", this one reads up to "
            + VERSION + "): use that version, or move the file aside and the collector starts a new history");
      }
      boolean older = version < VERSION
          && single(s, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'rollup'") > 0;
      s.execute("BEGIN IMMEDIATE");
      s.execute("""
          CREATE TABLE IF NOT EXISTS rollup (
            minute INTEGER NOT NULL, dimension INTEGER NOT NULL, node INTEGER NOT NULL, price INTEGER NOT NULL,
            key TEXT NOT NULL, bytes INTEGER NOT NULL,
            PRIMARY KEY (minute, dimension, node, price, key)) WITHOUT ROWID""");
      s.execute("CREATE TABLE IF NOT EXISTS name (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)");
      s.execute("""
          CREATE TABLE IF NOT EXISTS epoch (
            id INTEGER PRIMARY KEY, agent TEXT NOT NULL, epoch INTEGER NOT NULL, placed INTEGER NOT NULL DEFAULT 1,
            UNIQUE (agent, epoch))""");
      s.execute("""
          CREATE TABLE IF NOT EXISTS price (
            id INTEGER PRIMARY KEY, class TEXT NOT NULL, direction TEXT NOT NULL, per_unit TEXT NOT NULL,
            unit_bytes INTEGER NOT NULL, UNIQUE (class, direction, per_unit, unit_bytes))""");
      s.execute("""
          CREATE TABLE IF NOT EXISTS baseline (
            epoch INTEGER NOT NULL, dimension INTEGER NOT NULL, class INTEGER NOT NULL, direction INTEGER NOT NULL,
            key TEXT NOT NULL, bytes INTEGER NOT NULL, minute INTEGER NOT NULL,
            PRIMARY KEY (epoch, dimension, class, direction, key)) WITHOUT ROWID""");
      s.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)");
      if (older) {
        s.execute("ALTER TABLE epoch ADD COLUMN placed INTEGER NOT NULL DEFAULT 0");
        s.execute("INSERT OR REPLACE INTO meta (name, value)"
            + " SELECT 'placed_from', CAST(COALESCE(MAX(minute) + 1, 0) AS TEXT) FROM rollup");
      }
      s.execute("PRAGMA user_version = " + VERSION);
      s.execute("COMMIT");
    } catch (SQLException e) {
      db.close();
      throw e;
    }
    db.setAutoCommit(false);
    return db;
  }

  /** SQLite's quick check of every page and index; its first findings if the file is damaged. */
  private static void check(Statement s) throws SQLException {
    List<String> findings = new ArrayList<>();
    try (ResultSet r = s.executeQuery("PRAGMA quick_check(3)")) {
      while (r.next()) {
        findings.add(r.getString(1));
      }
    } catch (SQLException e) {
      throw damaged(e.getMessage(), e);
    }
    if (!findings.equals(List.of("ok"))) {
      throw damaged(String.join("; ", findings), null);
    }
  }

  private static SQLException damaged(String findings, Throwable cause) {
    return new SQLException("the file is damaged (SQLite's quick_check: " + findings
        + "): move it aside or delete it, and the collector starts a new history", cause);
  }

  /**
   * After a failed transaction: rolled back, whatever state it left. SQLite rolls some failures
   * back by itself (a full disk, an I/O error), and the driver, whose own rollback then fails with
   * "no transaction is active", would be left outside any transaction, every later statement
   * committing on its own; so the connection is replaced by a fresh one, which starts clean. If
   * that fails too (the disk is gone), the next write tries again.
   */
  private void recover(SQLException failure) {
    try {
      db.rollback();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
    nameIds.clear(); // ids made in the rolled-back transaction are gone
    priceIds.clear();
    epochIds.clear();
    try {
      db.close();
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
    try {
      db = connect(file);
    } catch (SQLException e) {
      failure.addSuppressed(e);
    }
  }

  /** The connection, made again if the last recovery could not. */
  private Connection db() throws SQLException {
    if (db.isClosed()) {
      db = connect(file);
    }
    return db;
  }

  /** Tests: SQLite's own bound on the file's pages, to make it full as a full disk would. */
  synchronized void limitPages(long pages) throws SQLException {
    db.setAutoCommit(true);
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA max_page_count = " + pages);
    } finally {
      db.setAutoCommit(false);
    }
  }

  /** Every stored baseline: what each agent epoch had been written up to. */
  synchronized Map<EpochId, CostLedger> baselines() throws SQLException {
    Connection db = db();
    Map<EpochId, CostLedger> out = new HashMap<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT e.agent, e.epoch, b.dimension, c.name, d.name, b.key, b.bytes, e.placed"
            + " FROM baseline b JOIN epoch e ON e.id = b.epoch JOIN name c ON c.id = b.class JOIN name d ON d.id = b.direction")) {
      while (r.next()) {
        CostLedger ledger = out.computeIfAbsent(new EpochId(r.getString(1), r.getLong(2)), k -> new CostLedger());
        ledger.put(LedgerDimension.values()[r.getInt(3)],
            new LedgerKey(r.getString(4), Direction.byLabel(r.getString(5)), r.getString(6)), r.getLong(7));
        if (r.getInt(8) == 0) {
          ledger.markUnplaced();
        }
      }
    }
    db.commit();
    return out;
  }

  /**
   * One minute, in one transaction: its rows at {@code prices}, the baselines of the epochs that
   * moved ({@code now}: their cumulative ledgers, {@code changed}: which lines moved), and the removal
   * of ended epochs'. An epoch's first minute after a migration ({@code changed} not placed) stores all
   * its placement lines, and the epoch is placed from then on.
   */
  synchronized void write(long minute, List<RollupRow> rows, PriceList prices, Map<EpochId, CostLedger> now,
      Map<EpochId, CostLedger> changed, List<EpochId> ended) throws SQLException {
    Connection db = db();
    try (PreparedStatement insert = db.prepareStatement(
            "INSERT INTO rollup (minute, dimension, node, price, key, bytes) VALUES (?,?,?,?,?,?)"
                + " ON CONFLICT (minute, dimension, node, price, key) DO UPDATE SET bytes = bytes + excluded.bytes");
        PreparedStatement upsert = db.prepareStatement(
            "INSERT OR REPLACE INTO baseline (epoch, dimension, class, direction, key, bytes, minute)"
                + " VALUES (?,?,?,?,?,?,?)");
        PreparedStatement placed = db.prepareStatement("UPDATE epoch SET placed = 1 WHERE id = ? AND placed = 0");
        PreparedStatement dropBaseline = db.prepareStatement("DELETE FROM baseline WHERE epoch = ?");
        PreparedStatement dropEpoch = db.prepareStatement("DELETE FROM epoch WHERE id = ?")) {
      for (RollupRow row : rows) {
        insert.setLong(1, minute);
        insert.setInt(2, row.dimension().ordinal());
        insert.setLong(3, nameId(row.node()));
        insert.setLong(4, priceId(row.line().costClass(), row.line().direction(), prices));
        insert.setString(5, row.line().key());
        insert.setLong(6, row.bytes());
        insert.addBatch();
      }
      insert.executeBatch();
      for (Map.Entry<EpochId, CostLedger> e : changed.entrySet()) {
        CostLedger current = now.get(e.getKey());
        long epoch = epochId(e.getKey());
        for (LedgerDimension d : LedgerDimension.values()) {
          Map<LedgerKey, Long> totals = current.lines(d);
          Map<LedgerKey, Long> moved = d.byPlacement() && !e.getValue().placed() ? totals : e.getValue().lines(d);
          for (LedgerKey k : moved.keySet()) {
            upsert.setLong(1, epoch);
            upsert.setInt(2, d.ordinal());
            upsert.setLong(3, nameId(k.costClass()));
            upsert.setLong(4, nameId(k.direction().label()));
            upsert.setString(5, k.key());
            upsert.setLong(6, totals.getOrDefault(k, 0L));
            upsert.setLong(7, minute);
            upsert.addBatch();
          }
        }
        if (!e.getValue().placed()) {
          placed.setLong(1, epoch);
          placed.executeUpdate();
        }
      }
      upsert.executeBatch();
      for (EpochId id : ended) {
        Long epoch = epochIds.remove(id);
        if (epoch != null) {
          dropBaseline.setLong(1, epoch);
          dropBaseline.executeUpdate();
          dropEpoch.setLong(1, epoch);
          dropEpoch.executeUpdate();
        }
      }
      db.commit();
    } catch (SQLException e) {
      recover(e);
      throw e;
    }
  }

  private final Map<String, Long> nameIds = new HashMap<>();
  private final Map<EpochId, Long> epochIds = new HashMap<>();
  private final Map<PriceKey, Long> priceIds = new HashMap<>();

  private record PriceKey(String costClass, Direction direction, BigDecimal perUnit, long unitBytes) {}

  private long nameId(String name) throws SQLException {
    Long id = nameIds.get(name);
    if (id == null) {
      id = idOf("SELECT id FROM name WHERE name = ?", "INSERT INTO name (name) VALUES (?)", name);
      nameIds.put(name, id);
    }
    return id;
  }

  private long epochId(EpochId epoch) throws SQLException {
    Long id = epochIds.get(epoch);
    if (id == null) {
      id = idOf("SELECT id FROM epoch WHERE agent = ? AND epoch = ?", "INSERT INTO epoch (agent, epoch, placed) VALUES (?,?,1)",
          epoch.agent(), epoch.epoch());
      epochIds.put(epoch, id);
    }
    return id;
  }

  private long priceId(String costClass, Direction direction, PriceList prices) throws SQLException {
    PriceKey k = new PriceKey(costClass, direction, prices.of(costClass).per(direction).stripTrailingZeros(),
        prices.unitBytes());
    Long id = priceIds.get(k);
    if (id == null) {
      id = idOf("SELECT id FROM price WHERE class = ? AND direction = ? AND per_unit = ? AND unit_bytes = ?",
          "INSERT INTO price (class, direction, per_unit, unit_bytes) VALUES (?,?,?,?)",
          costClass, direction.label(), k.perUnit().toPlainString(), k.unitBytes());
      priceIds.put(k, id);
    }
    return id;
  }

  /** The id of the row {@code select} finds with {@code values}, made with {@code insert} if none. */
  private long idOf(String select, String insert, Object... values) throws SQLException {
    try (PreparedStatement q = db.prepareStatement(select)) {
      for (int i = 0; i < values.length; i++) {
        q.setObject(i + 1, values[i]);
      }
      try (ResultSet r = q.executeQuery()) {
        if (r.next()) {
          return r.getLong(1);
        }
      }
    }
    try (PreparedStatement u = db.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS)) {
      for (int i = 0; i < values.length; i++) {
        u.setObject(i + 1, values[i]);
      }
      u.executeUpdate();
      try (ResultSet keys = u.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
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
    Connection db = db();
    try (PreparedStatement rows = db.prepareStatement("DELETE FROM rollup WHERE minute < ?");
        PreparedStatement baselines = db.prepareStatement("DELETE FROM baseline WHERE minute < ?")) {
      rows.setLong(1, oldestKept);
      expired = rows.executeUpdate();
      baselines.setLong(1, oldestKept);
      if (baselines.executeUpdate() > 0) {
        try (Statement s = db.createStatement()) {
          s.executeUpdate("DELETE FROM epoch WHERE NOT EXISTS (SELECT 1 FROM baseline WHERE baseline.epoch = epoch.id)");
        }
        epochIds.clear();
      }
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
      recover(e);
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
    Connection db = db();
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

  /**
   * The minutes from {@code sinceMinute} on, grouped {@code by}, largest cost first, with the total.
   * By namespace or workload, minutes written before the file kept them ({@code placed_from}) come
   * from the remote dimension as one {@link LedgerKey#NOT_RECORDED} line.
   */
  public synchronized CostReport report(long sinceMinute, CostGrouping by, String currency) throws SQLException {
    Connection db = db();
    LedgerDimension dimension = switch (by) {
      case BY_SERVICE -> LedgerDimension.SERVICE;
      case BY_NAMESPACE -> LedgerDimension.NAMESPACE;
      case BY_WORKLOAD -> LedgerDimension.WORKLOAD;
      default -> LedgerDimension.REMOTE;
    };
    String group = switch (by) {
      case BY_CLASS -> "p.class";
      case BY_REMOTE, BY_SERVICE -> "r.key";
      case BY_NAMESPACE, BY_WORKLOAD -> "CASE WHEN r.dimension = " + dimension.ordinal() + " THEN r.key ELSE '"
          + LedgerKey.NOT_RECORDED + "' END";
      default -> "n.name";
    };
    long placedFrom = dimension.byPlacement() ? placedFrom() : Long.MIN_VALUE;
    Map<String, Sums> groups = new TreeMap<>();
    Map<Long, PriceSums> prices = new HashMap<>(); // by price id
    Sums total = new Sums();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    try (PreparedStatement q = db.prepareStatement("SELECT " + group + ", p.direction, p.per_unit, p.unit_bytes,"
        + " SUM(r.bytes), MIN(r.minute), MAX(r.minute), r.price, p.class FROM rollup r JOIN name n ON n.id = r.node"
        + " JOIN price p ON p.id = r.price WHERE r.minute >= ?"
        + " AND ((r.dimension = ? AND r.minute >= ?) OR (r.dimension = ? AND r.minute < ?))"
        + " GROUP BY " + group + ", r.price")) {
      q.setLong(1, sinceMinute);
      q.setInt(2, dimension.ordinal());
      q.setLong(3, placedFrom);
      q.setInt(4, LedgerDimension.REMOTE.ordinal());
      q.setLong(5, placedFrom);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          Direction d = Direction.byLabel(r.getString(2));
          long bytes = r.getLong(5);
          BigDecimal cost = new BigDecimal(r.getString(3)).multiply(BigDecimal.valueOf(bytes))
              .divide(BigDecimal.valueOf(r.getLong(4)));
          groups.computeIfAbsent(r.getString(1), k -> new Sums()).add(d, bytes, cost);
          total.add(d, bytes, cost);
          String costClass = r.getString(9);
          String perUnit = r.getString(3);
          long unitBytes = r.getLong(4);
          prices.computeIfAbsent(r.getLong(8), id -> new PriceSums(costClass, d, perUnit, unitBytes)).add(bytes, cost);
          first = Math.min(first, r.getLong(6));
          last = Math.max(last, r.getLong(7));
        }
      }
    } finally {
      db.commit();
    }
    List<CostLine> lines = new ArrayList<>();
    groups.forEach((k, s) -> lines.add(s.line(k)));
    lines.sort(CostReports.LINE_ORDER);
    List<PricedBytes> priced = prices.values().stream().map(PriceSums::line).sorted(CostReports.PRICE_ORDER).toList();
    CostReport.Builder out = CostReport.newBuilder().setCurrency(currency).addAllLines(lines).setTotal(total.line("total"))
        .addAllPrices(priced);
    if (first != Long.MAX_VALUE) {
      out.setFirstMinuteUnixNanos(first * MINUTE_NANOS).setLastMinuteUnixNanos(last * MINUTE_NANOS);
    }
    return out.build();
  }

  /** The first minute written with namespaces and workloads (0 for a file made with them). */
  private long placedFrom() throws SQLException {
    try (PreparedStatement q = db.prepareStatement("SELECT value FROM meta WHERE name = 'placed_from'");
        ResultSet r = q.executeQuery()) {
      return r.next() ? Long.parseLong(r.getString(1)) : 0;
    }
  }

  /** A currency stored with the history, so a report of minutes priced in another is refused, not mixed. */
  public synchronized String currency() throws SQLException {
    Connection db = db();
    try (PreparedStatement q = db.prepareStatement("SELECT value FROM meta WHERE name = 'currency'");
        ResultSet r = q.executeQuery()) {
      String v = r.next() ? r.getString(1) : null;
      db.commit();
      return v;
    }
  }

  public synchronized void setCurrency(String currency) throws SQLException {
    Connection db = db();
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

  /** The bytes one price was charged on, and their cost. */
  private static final class PriceSums {
    final String costClass;
    final Direction direction;
    final String perUnit;
    final long unitBytes;
    long bytes;
    BigDecimal cost = BigDecimal.ZERO;

    PriceSums(String costClass, Direction direction, String perUnit, long unitBytes) {
      this.costClass = costClass;
      this.direction = direction;
      this.perUnit = perUnit;
      this.unitBytes = unitBytes;
    }

    void add(long b, BigDecimal c) {
      bytes += b;
      cost = cost.add(c);
    }

    PricedBytes line() {
      return PricedBytes.newBuilder().setDestinationClass(costClass)
          .setDirection(switch (direction) {
            case EGRESS -> CostDirection.COST_EGRESS;
            case INGRESS -> CostDirection.COST_INGRESS;
            case INTERNAL -> CostDirection.COST_INTERNAL;
          })
          .setPricePerUnit(perUnit).setUnitBytes(unitBytes).setBytes(bytes)
          .setCost(cost.stripTrailingZeros().toPlainString())
          .build();
    }
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
