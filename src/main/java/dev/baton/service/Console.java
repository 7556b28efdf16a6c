package dev.baton.service;

import dev.baton.domain.FlowRun;
import dev.baton.domain.TaskRun;
import dev.baton.filter.Filters;
import dev.baton.filter.Keyset;
import dev.baton.persistence.ConsoleStore;
import dev.baton.persistence.filter.FilterSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The operator console's reads beside the REST API's: runs by state, and keyset pages of flow runs
 * and task runs that stay as fast at millions of rows as at a hundred (docs/console.md).
 *
 * <p>A page walks the runs in keyset order ({@link Keyset}) from its cursor. A filter that an index
 * answers (a flow run, ids, a flow run's state or deployment) or no filter at all lets PostgreSQL
 * stop at the page's end. Any other filter over task runs — a state, tags, a name, a flow — has no
 * index on a column that transitions leave alone, so a rare match could make the walk read the
 * whole table: such a page is cut from a bounded window of the newest runs past the cursor
 * ({@link #WINDOWS}, widening), and when the windows are used up before the page is full, the page
 * says so ({@link KeysetPage#partial}) and its cursor continues the scan where it stopped.
 */
public final class Console {
  /** Rows of a task-run table a filtered page may pass over, window by window, in one request. */
  static final int[] WINDOWS = {2_000, 8_000, 30_000};
  /** The statement timeout of a count by state (a background read: past it the count is tried later). */
  static final long COUNT_TIMEOUT_MS = 60_000;

  /**
   * One page: its runs, where the next page starts ({@code null}: nothing after), and whether the
   * scan stopped at its windows' end before the page was full (more may match further on).
   */
  public record KeysetPage<T>(List<T> items, Keyset next, boolean partial, long scanned) {}

  /** Runs by state type at one moment, with how long counting them took. */
  public record StateCounts(Map<String, Long> flowRuns, Map<String, Long> taskRuns, Instant at, long millis) {}

  private final Pool pool;
  private final int[] windows;

  public Console(Pool pool) {
    this(pool, WINDOWS);
  }

  /** @param windows the widening windows of a filtered page ({@link #WINDOWS}; smaller ones in tests) */
  public Console(Pool pool, int[] windows) {
    this.pool = pool;
    this.windows = windows.clone();
  }

  /**
   * Flow runs and task runs by state type: one statement per table, in one read-only transaction
   * (one snapshot for both) on one connection, without parallel workers — a count over millions of
   * rows then takes one core for its time instead of three, leaving the others to the transitions
   * (5 M task runs: 1.9 s on one core, 0.85 s on three) — and with {@link #COUNT_TIMEOUT_MS}
   * instead of the pool's statement timeout.
   */
  public Future<StateCounts> counts(java.time.Clock clock) {
    Instant at = clock.instant();
    long t0 = System.nanoTime();
    return pool.withTransaction(c -> ConsoleStore.serialReadOnly(c, COUNT_TIMEOUT_MS)
        .compose(v -> ConsoleStore.countByState(c, "flow_run"))
        .compose(flows -> ConsoleStore.countByState(c, "task_run").map(tasks -> new StateCounts(flows, tasks, at,
            (System.nanoTime() - t0) / 1_000_000))));
  }

  /** A page of flow runs matching {@code q}, after {@code after} (null: the first page). */
  public Future<KeysetPage<FlowRun>> flowRuns(Filters.Query q, Keyset after, int limit) {
    FilterSql.Where w = FilterSql.flowRuns(q, "flow_run", 1);
    Fetch<FlowRun> fetch = (nulls, a, lowest, n) -> ConsoleStore.flowRuns(pool, w.sql(), w.params(), nulls, a, lowest, n);
    boolean windowed = !w.sql().equals("TRUE") && !indexedFlowRunFilter(q);
    return new Paging<>(fetch, "flow_run", r -> new Keyset(r.expectedStartTime(), r.id()), windowed)
        .page(start(after, q.flowRuns() == null ? null : q.flowRuns().expectedStartTime()), limit);
  }

  /** A page of task runs matching {@code q}, after {@code after} (null: the first page). */
  public Future<KeysetPage<TaskRun>> taskRuns(Filters.Query q, Keyset after, int limit) {
    FilterSql.Where w = FilterSql.taskRuns(q, "task_run", 1);
    Fetch<TaskRun> fetch = (nulls, a, lowest, n) -> ConsoleStore.taskRuns(pool, w.sql(), w.params(), nulls, a, lowest, n);
    boolean windowed = !w.sql().equals("TRUE") && !indexedTaskRunFilter(q);
    return new Paging<>(fetch, "task_run", r -> new Keyset(r.expectedStartTime(), r.id()), windowed)
        .page(start(after, q.taskRuns() == null ? null : q.taskRuns().expectedStartTime()), limit);
  }

  /**
   * Where a first page starts: with an upper bound on the expected start time, at that time (the
   * largest id, so every run at it is included) instead of at the newest run.
   */
  static Keyset start(Keyset after, Filters.Times expected) {
    if (after != null || expected == null || expected.before() == null) {
      return after;
    }
    return new Keyset(expected.before(), new UUID(-1L, -1L));
  }

  /** Whether an index of flow_run answers the filter (so PostgreSQL need not walk the time index far). */
  static boolean indexedFlowRunFilter(Filters.Query q) {
    Filters.FlowRunFilter f = q.flowRuns();
    if (f == null || f.op() == Filters.Op.OR || q.taskRuns() != null) {
      return false;
    }
    return f.id() != null && f.id().any() != null
        || f.deploymentId() != null && f.deploymentId().any() != null
        || f.state() != null && f.state().op() != Filters.Op.OR && f.state().typeAny() != null
        || f.parentTaskRunId() != null && f.parentTaskRunId().any() != null;
  }

  /** Whether an index of task_run answers the filter: the run's flow run (the natural key) or ids. */
  static boolean indexedTaskRunFilter(Filters.Query q) {
    Filters.TaskRunFilter f = q.taskRuns();
    if (f == null || f.op() == Filters.Op.OR) {
      return false;
    }
    return f.id() != null && f.id().any() != null || f.flowRunId() != null && f.flowRunId().any() != null;
  }

  /** One read of rows in keyset order (see ConsoleStore#flowRuns). */
  @FunctionalInterface
  interface Fetch<T> {
    Future<List<T>> rows(boolean nulls, Keyset after, Keyset lowest, int limit);
  }

  /** The paging of one request: the rows without an expected start time first, then the others, windowed or not. */
  private final class Paging<T> {
    private final Fetch<T> fetch;
    private final String table;
    private final Function<T, Keyset> key;
    private final boolean windowed;
    private long scanned;

    Paging(Fetch<T> fetch, String table, Function<T, Keyset> key, boolean windowed) {
      this.fetch = fetch;
      this.table = table;
      this.key = key;
      this.windowed = windowed;
    }

    Future<KeysetPage<T>> page(Keyset after, int limit) {
      boolean inNulls = after == null || after.time() == null;
      Future<List<T>> nulls = inNulls ? fetch.rows(true, after, null, limit + 1) : Future.succeededFuture(List.of());
      return nulls.compose(rows -> {
        if (rows.size() > limit) {
          List<T> items = rows.subList(0, limit);
          return Future.succeededFuture(new KeysetPage<>(List.copyOf(items), key.apply(items.get(limit - 1)), false, 0));
        }
        List<T> acc = new ArrayList<>(rows);
        Keyset from = inNulls ? null : after;
        return windowed ? window(from, limit, acc, 0) : plain(from, limit, acc);
      });
    }

    private Future<KeysetPage<T>> plain(Keyset from, int limit, List<T> acc) {
      return fetch.rows(false, from, null, limit - acc.size() + 1).map(rows -> {
        acc.addAll(rows);
        return done(acc, limit, null);
      });
    }

    private Future<KeysetPage<T>> window(Keyset from, int limit, List<T> acc, int i) {
      return ConsoleStore.windowEnd(pool, table, from, windows[i]).compose(end ->
          fetch.rows(false, from, end, limit - acc.size() + 1).compose(rows -> {
            acc.addAll(rows);
            scanned += end == null ? 0 : windows[i];
            if (acc.size() > limit || end == null) {
              return Future.succeededFuture(done(acc, limit, null));
            }
            if (i + 1 < windows.length) {
              return window(end, limit, acc, i + 1);
            }
            return Future.succeededFuture(done(acc, limit, end));
          }));
    }

    /** The page from what was read: full (and more after it), the end, or stopped at {@code stoppedAt}. */
    private KeysetPage<T> done(List<T> acc, int limit, Keyset stoppedAt) {
      if (acc.size() > limit) {
        List<T> items = List.copyOf(acc.subList(0, limit));
        return new KeysetPage<>(items, limit == 0 ? null : key.apply(items.get(limit - 1)), false, scanned);
      }
      return new KeysetPage<>(List.copyOf(acc), stoppedAt, stoppedAt != null, scanned);
    }
  }
}
