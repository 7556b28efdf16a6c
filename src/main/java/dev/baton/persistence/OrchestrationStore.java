package dev.baton.persistence;

import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.State;
import dev.baton.domain.StateType;
import dev.baton.domain.TaskRunPolicy;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Array;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The orchestration hot path: one round trip to lock and load a run with everything the rules need,
 * one round trip to write what the engine decided. Both must run inside the caller's transaction.
 * The store speaks in plain rows (the records below); turning them into the engine's drafts, facts
 * and outcomes is orchestration's business.
 */
public final class OrchestrationStore {

  /** The columns of a locked run row that orchestration works on. */
  public sealed interface RunRow permits FlowRunRow, TaskRunRow {
    UUID id();

    UUID stateId();

    List<String> tags();
  }

  /** A locked flow-run row. */
  public record FlowRunRow(UUID id, UUID flowId, UUID deploymentId, UUID parentTaskRunId, String infrastructurePid,
      FlowRunPolicy policy, List<String> tags, UUID stateId, StateType stateType, String stateName,
      Instant stateTimestamp, int runCount, Instant expectedStartTime, Instant nextScheduledStartTime,
      Instant startTime, Instant endTime, long totalRunTimeMicros) implements RunRow {}

  /** A locked task-run row. */
  public record TaskRunRow(UUID id, UUID flowRunId, String taskKey, TaskRunPolicy policy, List<String> tags,
      UUID stateId, StateType stateType, String stateName, Instant stateTimestamp, int runCount,
      int flowRunRunCount, Instant expectedStartTime, Instant nextScheduledStartTime, Instant startTime,
      Instant endTime, long totalRunTimeMicros) implements RunRow {}

  /** A task run's flow run as read with it (not locked): its run count and current state. */
  public record ParentFlowRunRow(UUID id, int runCount, State state) {}

  /**
   * A locked run with its current state (with data, or null) and, for a task run, its flow run
   * ({@code parent}, null when the run has none or it is gone) and the state of the cache entry it
   * looked up ({@code cacheHit}, or null). {@code holdsNothing}: no lease and no legacy slot names
   * the run and its current state names no lease, so it has nothing to give back. {@code
   * concurrencyFree}: besides, it has no tags (task) or no deployment (flow), so it cannot hold or
   * take a concurrency slot in this transition and its concurrency facts are known to be empty
   * without reading them.
   */
  public record LoadedRun(RunRow run, State current, ParentFlowRunRow parent, State cacheHit,
      boolean holdsNothing, boolean concurrencyFree) {}

  private OrchestrationStore() {}

  // ---------------------------------------------------------------------------------------------
  // lock + load

  /**
   * Lock and load in one statement ({@code … FOR UPDATE OF run}), with one READ COMMITTED trap
   * handled: when the statement had to wait for the lock, PostgreSQL re-checks the join for the
   * newest version of the locked run row, but the joined rows still come from the statement's old
   * snapshot. The state the previous lock holder just wrote is then invisible and the current state
   * comes back NULL although the run row points at it. That case (contention on one run only) is
   * detected — {@code state_id} set, state columns null — and the state is read again with a fresh
   * statement. The parent flow run and the cache entry are not locked anyway; their slightly older
   * snapshot is the same read any unlocked reader gets.
   */
  static final SelectList FLOW_RUN = new SelectList();

  // the flow run's columns, decoded by index (flowRun); FR_<NAME> is the column named <name>
  static final int FR_ID = FLOW_RUN.add("fr.id");
  static final int FR_FLOW_ID = FLOW_RUN.add("fr.flow_id");
  static final int FR_DEPLOYMENT_ID = FLOW_RUN.add("fr.deployment_id");
  static final int FR_PARENT_TASK_RUN_ID = FLOW_RUN.add("fr.parent_task_run_id");
  static final int FR_INFRASTRUCTURE_PID = FLOW_RUN.add("fr.infrastructure_pid");
  static final int FR_EMPIRICAL_POLICY = FLOW_RUN.add("fr.empirical_policy::text AS empirical_policy");
  static final int FR_TAGS = FLOW_RUN.add("fr.tags::text AS tags");
  static final int FR_STATE_ID = FLOW_RUN.add("fr.state_id");
  static final int FR_STATE_TYPE = FLOW_RUN.add("fr.state_type");
  static final int FR_STATE_NAME = FLOW_RUN.add("fr.state_name");
  static final int FR_STATE_TIMESTAMP = FLOW_RUN.add("fr.state_timestamp");
  static final int FR_RUN_COUNT = FLOW_RUN.add("fr.run_count");
  static final int FR_EXPECTED_START_TIME = FLOW_RUN.add("fr.expected_start_time");
  static final int FR_NEXT_SCHEDULED_START_TIME = FLOW_RUN.add("fr.next_scheduled_start_time");
  static final int FR_START_TIME = FLOW_RUN.add("fr.start_time");
  static final int FR_END_TIME = FLOW_RUN.add("fr.end_time");
  static final int FR_TOTAL_RUN_TIME_US = FLOW_RUN.add("fr.total_run_time_us");
  static final int FR_HOLDS_LEASES =
      FLOW_RUN.add("EXISTS (SELECT 1 FROM concurrency_lease l WHERE l.holder_id = fr.id) AS holds_leases");
  /** The first of the current state's columns ({@code s_id} …). */
  static final int FR_S_ID = FLOW_RUN.addState("s", "s_");

  private static final String FLOW_RUN_COLUMNS = "SELECT " + FLOW_RUN.sql() + "\n";

  static final String LOCK_LOAD_FLOW_RUN = FLOW_RUN_COLUMNS + """
        FROM flow_run fr
        LEFT JOIN flow_run_state s ON s.id = fr.state_id
       WHERE fr.id = $1
         FOR UPDATE OF fr""";

  /**
   * The same for a group of flow runs ({@code $1} distinct ids): rows are locked in id order, so
   * groups that share runs wait for each other instead of deadlocking.
   */
  static final String LOCK_LOAD_FLOW_RUNS = FLOW_RUN_COLUMNS + """
        FROM flow_run fr
        LEFT JOIN flow_run_state s ON s.id = fr.state_id
       WHERE fr.id = ANY ($1::uuid[])
       ORDER BY fr.id
         FOR UPDATE OF fr""";

  /**
   * Locks the flow-run row ({@code SELECT … FOR UPDATE}) and loads it with its current state.
   * Succeeds with null when the run does not exist.
   */
  public static Future<LoadedRun> lockFlowRun(SqlConnection c, UUID id) {
    return c.preparedQuery(LOCK_LOAD_FLOW_RUN).execute(Tuple.of(id)).compose(rows ->
        rows.size() == 0 ? Future.succeededFuture(null) : flowRun(c, rows.iterator().next()));
  }

  /**
   * Locks and loads a group of distinct flow runs in one statement (see {@link #LOCK_LOAD_FLOW_RUNS});
   * the map has no entry for a run that does not exist.
   */
  public static Future<Map<UUID, LoadedRun>> lockFlowRuns(SqlConnection c, List<UUID> ids) {
    return c.preparedQuery(LOCK_LOAD_FLOW_RUNS).execute(Tuple.of(ids.toArray(UUID[]::new)))
        .compose(rows -> collect(rows, r -> flowRun(c, r)));
  }

  private static Future<LoadedRun> flowRun(SqlConnection c, Row r) {
    FlowRunRow run = new FlowRunRow(r.getUUID(FR_ID), r.getUUID(FR_FLOW_ID), r.getUUID(FR_DEPLOYMENT_ID),
        r.getUUID(FR_PARENT_TASK_RUN_ID), r.getString(FR_INFRASTRUCTURE_PID),
        JsonCodec.readFlowPolicy(r.getString(FR_EMPIRICAL_POLICY)), JsonCodec.readStrings(r.getString(FR_TAGS)),
        r.getUUID(FR_STATE_ID), Rows.stateType(r.getString(FR_STATE_TYPE)), r.getString(FR_STATE_NAME),
        Rows.instant(r, FR_STATE_TIMESTAMP), r.getInteger(FR_RUN_COUNT), Rows.instant(r, FR_EXPECTED_START_TIME),
        Rows.instant(r, FR_NEXT_SCHEDULED_START_TIME), Rows.instant(r, FR_START_TIME),
        Rows.instant(r, FR_END_TIME), r.getLong(FR_TOTAL_RUN_TIME_US));
    boolean holdsNothing = !r.getBoolean(FR_HOLDS_LEASES);
    return withCurrentState(c, run, Rows.state(r, FR_S_ID), null, null, true, holdsNothing,
        run.deploymentId() == null);
  }

  /** The loaded runs of a group statement by id; re-reads (rare) run concurrently. */
  private static Future<Map<UUID, LoadedRun>> collect(io.vertx.sqlclient.RowSet<Row> rows,
      java.util.function.Function<Row, Future<LoadedRun>> load) {
    List<Future<LoadedRun>> runs = new ArrayList<>(rows.size());
    rows.forEach(r -> runs.add(load.apply(r)));
    return Future.all(runs).map(all -> {
      Map<UUID, LoadedRun> byId = new HashMap<>(runs.size() * 2);
      runs.forEach(f -> byId.put(f.result().run().id(), f.result()));
      return byId;
    });
  }

  static final SelectList TASK_RUN = new SelectList();

  // the task run's columns, decoded by index (taskRun); TR_<NAME> is the column named <name>
  static final int TR_ID = TASK_RUN.add("tr.id");
  static final int TR_FLOW_RUN_ID = TASK_RUN.add("tr.flow_run_id");
  static final int TR_TASK_KEY = TASK_RUN.add("tr.task_key");
  static final int TR_EMPIRICAL_POLICY = TASK_RUN.add("tr.empirical_policy::text AS empirical_policy");
  static final int TR_TAGS = TASK_RUN.add("tr.tags::text AS tags");
  static final int TR_STATE_ID = TASK_RUN.add("tr.state_id");
  static final int TR_STATE_TYPE = TASK_RUN.add("tr.state_type");
  static final int TR_STATE_NAME = TASK_RUN.add("tr.state_name");
  static final int TR_STATE_TIMESTAMP = TASK_RUN.add("tr.state_timestamp");
  static final int TR_RUN_COUNT = TASK_RUN.add("tr.run_count");
  static final int TR_FLOW_RUN_RUN_COUNT = TASK_RUN.add("tr.flow_run_run_count");
  static final int TR_EXPECTED_START_TIME = TASK_RUN.add("tr.expected_start_time");
  static final int TR_NEXT_SCHEDULED_START_TIME = TASK_RUN.add("tr.next_scheduled_start_time");
  static final int TR_START_TIME = TASK_RUN.add("tr.start_time");
  static final int TR_END_TIME = TASK_RUN.add("tr.end_time");
  static final int TR_TOTAL_RUN_TIME_US = TASK_RUN.add("tr.total_run_time_us");
  static final int TR_HOLDS_LEASES =
      TASK_RUN.add("EXISTS (SELECT 1 FROM concurrency_lease l WHERE l.holder_id = tr.id) AS holds_leases");
  static final int TR_HOLDS_LEGACY =
      TASK_RUN.add("EXISTS (SELECT 1 FROM concurrency_limit v WHERE tr.id = ANY (v.active_slots)) AS holds_legacy");
  /** The first of the current state's columns ({@code s_id} …). */
  static final int TR_S_ID = TASK_RUN.addState("s", "s_");
  static final int TR_F_ID = TASK_RUN.add("f.id AS f_id");
  static final int TR_F_RUN_COUNT = TASK_RUN.add("f.run_count AS f_run_count");
  /** The first of the flow run's current state's columns ({@code fs_id} …). */
  static final int TR_FS_ID = TASK_RUN.addState("fs", "fs_");
  /** The first of the cache hit's state columns ({@code cs_id} …). */
  static final int TR_CS_ID = TASK_RUN.addState("cs", "cs_");

  private static final String TASK_RUN_COLUMNS = "SELECT " + TASK_RUN.sql() + "\n";

  /** The joins of a task run's lock-and-load; {@code %1$s} is the cache key to look up (SQL text). */
  private static final String TASK_RUN_JOINS = """
        LEFT JOIN task_run_state s ON s.id = tr.state_id
        LEFT JOIN flow_run f ON f.id = tr.flow_run_id
        LEFT JOIN flow_run_state fs ON fs.id = f.state_id
        LEFT JOIN LATERAL (
              SELECT cached.*
                FROM task_run_state_cache c
                JOIN task_run_state cached ON cached.id = c.task_run_state_id
               WHERE %1$s IS NOT NULL
                 AND c.cache_key = %1$s
                 AND (c.cache_expiration IS NULL OR c.cache_expiration > $3)
               ORDER BY c.created DESC
               LIMIT 1) cs ON true
      """;

  static final String LOCK_LOAD_TASK_RUN = TASK_RUN_COLUMNS + "  FROM task_run tr\n"
      + TASK_RUN_JOINS.formatted("$2::text") + """
       WHERE tr.id = $1
         FOR UPDATE OF tr""";

  /** As {@link #LOCK_LOAD_TASK_RUN} without the lock (a snapshot read). */
  static final String READ_TASK_RUN = LOCK_LOAD_TASK_RUN.substring(0, LOCK_LOAD_TASK_RUN.lastIndexOf("FOR UPDATE OF tr"));

  /**
   * The same for a group of distinct task runs: {@code $1} their ids, {@code $2} each one's cache
   * key to look up (or null), {@code $3} now. Rows are locked in id order.
   */
  static final String LOCK_LOAD_TASK_RUNS = TASK_RUN_COLUMNS
      + "  FROM unnest($1::uuid[], $2::text[]) AS p(id, cache_key)\n  JOIN task_run tr ON tr.id = p.id\n"
      + TASK_RUN_JOINS.formatted("p.cache_key") + """
       ORDER BY tr.id
         FOR UPDATE OF tr""";

  /**
   * Locks the task-run row and loads it with its current state, its flow run's run count and
   * current state, and — when {@code cacheKeyToLookUp} is not null — the state of the newest cache
   * entry with that key that has not expired at {@code now}. Succeeds with null when the task run
   * does not exist.
   */
  public static Future<LoadedRun> lockTaskRun(SqlConnection c, UUID id, String cacheKeyToLookUp, Instant now) {
    return c.preparedQuery(LOCK_LOAD_TASK_RUN).execute(Tuple.of(id, cacheKeyToLookUp, Rows.ts(now))).compose(rows ->
        rows.size() == 0 ? Future.succeededFuture(null) : taskRun(c, rows.iterator().next()));
  }

  /** As {@link #lockTaskRun}, without locking the row: what is committed at this moment. */
  public static Future<LoadedRun> readTaskRun(SqlConnection c, UUID id, String cacheKeyToLookUp, Instant now) {
    return c.preparedQuery(READ_TASK_RUN).execute(Tuple.of(id, cacheKeyToLookUp, Rows.ts(now))).compose(rows ->
        rows.size() == 0 ? Future.succeededFuture(null) : taskRun(c, rows.iterator().next()));
  }

  /**
   * Locks and loads a group of distinct task runs in one statement (see {@link #LOCK_LOAD_TASK_RUNS});
   * {@code cacheKeysToLookUp} is index-aligned with {@code ids}. No entry for a missing run.
   */
  public static Future<Map<UUID, LoadedRun>> lockTaskRuns(SqlConnection c, List<UUID> ids, List<String> cacheKeysToLookUp,
      Instant now) {
    return c.preparedQuery(LOCK_LOAD_TASK_RUNS)
        .execute(Tuple.of(ids.toArray(UUID[]::new), cacheKeysToLookUp.toArray(String[]::new), Rows.ts(now)))
        .compose(rows -> collect(rows, r -> taskRun(c, r)));
  }

  private static Future<LoadedRun> taskRun(SqlConnection c, Row r) {
    UUID flowRunId = r.getUUID(TR_FLOW_RUN_ID);
    TaskRunRow run = new TaskRunRow(r.getUUID(TR_ID), flowRunId, r.getString(TR_TASK_KEY),
        JsonCodec.readTaskPolicy(r.getString(TR_EMPIRICAL_POLICY)), JsonCodec.readStrings(r.getString(TR_TAGS)),
        r.getUUID(TR_STATE_ID), Rows.stateType(r.getString(TR_STATE_TYPE)), r.getString(TR_STATE_NAME),
        Rows.instant(r, TR_STATE_TIMESTAMP), r.getInteger(TR_RUN_COUNT), r.getInteger(TR_FLOW_RUN_RUN_COUNT),
        Rows.instant(r, TR_EXPECTED_START_TIME), Rows.instant(r, TR_NEXT_SCHEDULED_START_TIME),
        Rows.instant(r, TR_START_TIME), Rows.instant(r, TR_END_TIME), r.getLong(TR_TOTAL_RUN_TIME_US));
    UUID parentId = r.getUUID(TR_F_ID);
    ParentFlowRunRow parent = parentId == null ? null
        : new ParentFlowRunRow(parentId, r.getInteger(TR_F_RUN_COUNT), Rows.state(r, TR_FS_ID));
    boolean holdsNothing = !r.getBoolean(TR_HOLDS_LEASES) && !r.getBoolean(TR_HOLDS_LEGACY);
    return withCurrentState(c, run, Rows.state(r, TR_S_ID), parent, Rows.state(r, TR_CS_ID), false, holdsNothing,
        run.tags().isEmpty());
  }

  /**
   * The loaded run; re-reads the current state when the locked read could not see it (see above).
   * In that case the lease checks came from the old snapshot too, so the run is declared neither
   * to hold nothing nor concurrency-free. A current state naming a deployment lease never is.
   * {@code slotFree}: the run has no tags (task) or no deployment (flow).
   */
  private static Future<LoadedRun> withCurrentState(SqlConnection c, RunRow run, State joined,
      ParentFlowRunRow parent, State cacheHit, boolean flow, boolean holdsNothing, boolean slotFree) {
    if (run.stateId() == null || joined != null) {
      boolean stateLease = joined != null && joined.details().deploymentConcurrencyLeaseId() != null;
      boolean none = holdsNothing && !stateLease;
      return Future.succeededFuture(new LoadedRun(run, joined, parent, cacheHit, none, none && slotFree));
    }
    Future<State> fresh = flow ? StateRepository.flowRunState(c, run.stateId()) : StateRepository.taskRunState(c, run.stateId());
    return fresh.map(s -> new LoadedRun(run, s, parent, cacheHit, false, false));
  }

  // ---------------------------------------------------------------------------------------------
  // write

  private static final String FLOW_STATE_INSERT = """
      ins_state AS (
        INSERT INTO flow_run_state (id, flow_run_id, type, name, timestamp, message, state_details, data)
        VALUES ($%d, $%d, $%d, $%d, $%d, $%d, $%d::text::jsonb, $%d::text::jsonb))""";

  private static final String TASK_STATE_INSERT = FLOW_STATE_INSERT
      .replace("flow_run_state", "task_run_state").replace("flow_run_id", "task_run_id");

  private static final String FLOW_RUN_UPDATE = """
      upd_run AS (
        UPDATE flow_run
           SET state_id = $%d, state_type = $%d, state_name = $%d, state_timestamp = $%d,
               run_count = $%d, expected_start_time = $%d, next_scheduled_start_time = $%d,
               start_time = $%d, end_time = $%d, total_run_time_us = $%d,
               empirical_policy = $%d::text::jsonb, updated = now()
         WHERE id = $%d)""";

  private static final String TASK_RUN_UPDATE = """
      upd_run AS (
        UPDATE task_run
           SET state_id = $%d, state_type = $%d, state_name = $%d, state_timestamp = $%d,
               run_count = $%d, expected_start_time = $%d, next_scheduled_start_time = $%d,
               start_time = $%d, end_time = $%d, total_run_time_us = $%d,
               flow_run_run_count = $%d, updated = now()
         WHERE id = $%d)""";

  /** created = clock_timestamp(): entries written in one transaction still order by creation. */
  private static final String CACHE_INSERT = """
      ins_cache_%d AS (
        INSERT INTO task_run_state_cache (cache_key, cache_expiration, task_run_state_id, created)
        VALUES ($%d, $%d, $%d, clock_timestamp()))""";

  /**
   * A run row's mutable columns after a transition; {@code flowPolicy} is written for flow runs,
   * {@code flowRunRunCount} for task runs.
   */
  public record RunUpdate(UUID stateId, StateType stateType, String stateName, Instant stateTimestamp, int runCount,
      Instant expectedStartTime, Instant nextScheduledStartTime, Instant startTime, Instant endTime,
      long totalRunTimeMicros, FlowRunPolicy flowPolicy, int flowRunRunCount) {}

  /** A task_run_state_cache row to insert. */
  public record CacheEntryRow(String cacheKey, Instant cacheExpiration, UUID taskRunStateId) {}

  /**
   * What one transition writes for run {@code runId}: the {@code state} row to insert (null: none),
   * the run row's new columns ({@code update}, null: unchanged) and the cache entries to insert.
   */
  public record OutcomeWrite(boolean flow, UUID runId, State state, RunUpdate update, List<CacheEntryRow> cacheEntries) {}

  /**
   * Writes what the engine decided, in one statement (data-modifying CTEs): the new state row when
   * there is one (data stored inline unless it is {@code {"type":"unpersisted",…}};
   * {@code artifact_key/type/description} removed from object data), every mutable run column when
   * the run changed (plus {@code updated = now()}), and each cache entry. No round trip when there
   * is nothing to write.
   */
  public static Future<Void> writeOutcome(SqlConnection c, OutcomeWrite o) {
    List<Object> params = new ArrayList<>(24);
    boolean flow = o.flow();

    if (o.state() != null) {
      addStateValues(params, o.state(), o.runId());
    }
    if (o.update() != null) {
      addRunValues(params, o.update(), flow);
      params.add(o.runId());
    }
    int cacheInserts = 0;
    for (CacheEntryRow ce : o.cacheEntries()) {
      params.add(ce.cacheKey());
      params.add(Rows.ts(ce.cacheExpiration()));
      params.add(ce.taskRunStateId());
      cacheInserts++;
    }
    if (params.isEmpty()) {
      return Future.succeededFuture();
    }
    String sql = writeSql(flow, o.state() != null, o.update() != null, cacheInserts);
    return c.preparedQuery(sql).execute(Tuple.from(params)).mapEmpty();
  }

  /** A new state row's values, in the order of the INSERTs: id, run id, type, name, timestamp, message, details, data. */
  private static void addStateValues(List<Object> values, State s, UUID runId) {
    values.add(s.id());
    values.add(runId);
    values.add(s.type().name());
    values.add(s.name());
    values.add(Rows.ts(s.timestamp()));
    values.add(s.message());
    values.add(JsonCodec.writeDetails(s.details()));
    values.add(JsonCodecData.of(s).text());
  }

  /**
   * A changed run's mutable columns, in the order of the UPDATEs: the current state's id, type,
   * name and timestamp, run_count, expected, next scheduled, start and end times, total run time,
   * then {@code empirical_policy} (flow runs) or {@code flow_run_run_count} (task runs).
   */
  private static void addRunValues(List<Object> values, RunUpdate run, boolean flow) {
    values.add(run.stateId());
    values.add(run.stateType() == null ? null : run.stateType().name());
    values.add(run.stateName());
    values.add(Rows.ts(run.stateTimestamp()));
    values.add(run.runCount());
    values.add(Rows.ts(run.expectedStartTime()));
    values.add(Rows.ts(run.nextScheduledStartTime()));
    values.add(Rows.ts(run.startTime()));
    values.add(Rows.ts(run.endTime()));
    values.add(run.totalRunTimeMicros());
    if (flow) {
      values.add(JsonCodec.writeFlowPolicy(run.flowPolicy()));
    } else {
      values.add(run.flowRunRunCount());
    }
  }

  /**
   * Writes the outcomes of a group (distinct runs, one transaction): every outcome that writes a
   * state and changes its run, without cache entries — the usual transition — goes into one
   * statement per run kind ({@link #GROUP_WRITE_TASK}/{@link #GROUP_WRITE_FLOW}: the rows as
   * arrays, {@code unnest}ed into one INSERT and one UPDATE); the others are written one by one as
   * by {@link #writeOutcome}. All statements are sent at once; the future fails if any fails.
   */
  public static Future<Void> writeOutcomes(SqlConnection c, List<OutcomeWrite> outcomes) {
    List<OutcomeWrite> tasks = new ArrayList<>();
    List<OutcomeWrite> flows = new ArrayList<>();
    List<Future<Void>> writes = new ArrayList<>();
    for (OutcomeWrite o : outcomes) {
      if (o.state() != null && o.update() != null && o.cacheEntries().isEmpty()) {
        (o.flow() ? flows : tasks).add(o);
      } else {
        writes.add(writeOutcome(c, o));
      }
    }
    for (List<OutcomeWrite> same : List.of(tasks, flows)) {
      if (same.size() == 1) {
        writes.add(writeOutcome(c, same.get(0)));
      } else if (same.size() > 1) {
        writes.add(writeGroup(c, same));
      }
    }
    return Future.all(writes).mapEmpty();
  }

  private static final String GROUP_WRITE = """
      WITH v AS (
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[],
                             $7::text[], $8::text[], $9::uuid[], $10::text[], $11::text[], $12::timestamptz[],
                             $13::int[], $14::timestamptz[], $15::timestamptz[], $16::timestamptz[],
                             $17::timestamptz[], $18::bigint[], $19::%1$s[])
          AS v(state_id, run_id, type, name, ts, message, details, data, run_state_id, run_state_type,
               run_state_name, run_state_ts, run_count, expected_start_time, next_scheduled_start_time,
               start_time, end_time, total_run_time_us, extra)),
      ins_state AS (
        INSERT INTO %2$s_state (id, %2$s_id, type, name, timestamp, message, state_details, data)
        SELECT state_id, run_id, type, name, ts, message, details::jsonb, data::jsonb FROM v)
      UPDATE %2$s r
         SET state_id = v.run_state_id, state_type = v.run_state_type, state_name = v.run_state_name,
             state_timestamp = v.run_state_ts, run_count = v.run_count,
             expected_start_time = v.expected_start_time, next_scheduled_start_time = v.next_scheduled_start_time,
             start_time = v.start_time, end_time = v.end_time, total_run_time_us = v.total_run_time_us,
             %3$s, updated = now()
        FROM v
       WHERE r.id = v.run_id""";

  /** {@link #writeOutcomes}: task runs; {@code extra} is {@code flow_run_run_count}. */
  static final String GROUP_WRITE_TASK = GROUP_WRITE.formatted("int", "task_run", "flow_run_run_count = v.extra");

  /** {@link #writeOutcomes}: flow runs; {@code extra} is {@code empirical_policy}. */
  static final String GROUP_WRITE_FLOW = GROUP_WRITE.formatted("text", "flow_run", "empirical_policy = v.extra::jsonb");

  /**
   * The element types of the group write's 19 arrays ({@link #addStateValues} then
   * {@link #addRunValues}); the last is the kind's extra column.
   */
  private static final Class<?>[] GROUP_COLUMNS = {UUID.class, UUID.class, String.class, String.class,
      OffsetDateTime.class, String.class, String.class, String.class, UUID.class, String.class, String.class,
      OffsetDateTime.class, Integer.class, OffsetDateTime.class, OffsetDateTime.class, OffsetDateTime.class,
      OffsetDateTime.class, Long.class, null};

  /** One row per outcome, the same values the single write binds, bound column by column as arrays. */
  private static Future<Void> writeGroup(SqlConnection c, List<OutcomeWrite> same) {
    int n = same.size();
    boolean flow = same.get(0).flow();
    Object[][] columns = new Object[GROUP_COLUMNS.length][];
    for (int j = 0; j < columns.length; j++) {
      Class<?> type = GROUP_COLUMNS[j] != null ? GROUP_COLUMNS[j] : flow ? String.class : Integer.class;
      columns[j] = (Object[]) Array.newInstance(type, n);
    }
    List<Object> row = new ArrayList<>(columns.length);
    for (int i = 0; i < n; i++) {
      OutcomeWrite o = same.get(i);
      row.clear();
      addStateValues(row, o.state(), o.runId());
      addRunValues(row, o.update(), flow);
      for (int j = 0; j < columns.length; j++) {
        columns[j][i] = row.get(j);
      }
    }
    return c.preparedQuery(flow ? GROUP_WRITE_FLOW : GROUP_WRITE_TASK).execute(Tuple.from(columns)).compose(rows ->
        rows.rowCount() == n ? Future.succeededFuture()
            : Future.failedFuture(new IllegalStateException("group write updated " + rows.rowCount() + " of " + n + " runs")));
  }

  /**
   * The write statement for one shape of outcome, built once and reused: the same String instance
   * every time keeps the prepared-statement cache lookup cheap (its hash is cached) and avoids
   * formatting SQL on the hot path.
   */
  private static final java.util.concurrent.ConcurrentMap<Integer, String> WRITE_SQL = new java.util.concurrent.ConcurrentHashMap<>();

  static String writeSql(boolean flow, boolean stateWritten, boolean runChanged, int cacheInserts) {
    int key = (flow ? 1 : 0) | (stateWritten ? 2 : 0) | (runChanged ? 4 : 0) | (cacheInserts << 3);
    return WRITE_SQL.computeIfAbsent(key, k -> {
      List<String> ctes = new ArrayList<>();
      int b = 0;
      if (stateWritten) {
        ctes.add((flow ? FLOW_STATE_INSERT : TASK_STATE_INSERT)
            .formatted(b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8));
        b += 8;
      }
      if (runChanged) {
        ctes.add((flow ? FLOW_RUN_UPDATE : TASK_RUN_UPDATE).formatted(b + 1, b + 2, b + 3, b + 4, b + 5,
            b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12));
        b += 12;
      }
      for (int n = 0; n < cacheInserts; n++) {
        ctes.add(CACHE_INSERT.formatted(n, b + 1, b + 2, b + 3));
        b += 3;
      }
      return "WITH " + String.join(",\n", ctes) + "\nSELECT 1";
    });
  }

  // ---------------------------------------------------------------------------------------------
  // legacy flow retries (api-version < 0.8.3)

  static final String FAILED_TASK_RUNS =
      "SELECT id FROM task_run WHERE flow_run_id = $1 AND state_type = 'FAILED' ORDER BY id";

  /** The FAILED task runs of a flow run, in id order. */
  public static Future<List<UUID>> failedTaskRunIds(SqlConnection c, UUID flowRunId) {
    return c.preparedQuery(FAILED_TASK_RUNS).execute(Tuple.of(flowRunId)).map(rows -> {
      List<UUID> ids = new ArrayList<>(rows.size());
      rows.forEach(r -> ids.add(r.getUUID("id")));
      return ids;
    });
  }

  static final String RESET_RUN_COUNT = "UPDATE task_run SET run_count = 0 WHERE id = $1";

  /** Resets a task run's retry accounting. */
  public static Future<Void> resetRunCount(SqlConnection c, UUID taskRunId) {
    return c.preparedQuery(RESET_RUN_COUNT).execute(Tuple.of(taskRunId)).mapEmpty();
  }

  /** The stored form of a state's data. */
  private record JsonCodecData(String text) {
    static JsonCodecData of(State s) {
      if (s.data() == null || State.isUnpersisted(s.data())) {
        return new JsonCodecData(null);
      }
      return new JsonCodecData(JsonCodec.write(JsonCodec.stripArtifactKeys(s.data())));
    }
  }
}
