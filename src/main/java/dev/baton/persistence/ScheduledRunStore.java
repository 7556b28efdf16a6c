package dev.baton.persistence;

import dev.baton.domain.Deployment;
import dev.baton.domain.FlowRun;
import dev.baton.domain.FlowRunPolicy;
import dev.baton.domain.StateDetails;
import dev.baton.schedule.RunPlanner.PlannedRun;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The runs schedules create and the statements of the scheduler (dispatch.md §1.2–§1.4, §4):
 * which deployments need runs, the bulk insert of scheduled runs (idempotent on their keys, a state
 * row for each run actually inserted), the run-deletion rules D1–D3, the cap on accumulated Late
 * runs, the runner's poll ({@code get_scheduled_flow_runs}) and the deployment statuses it and the
 * not-ready pass write — with their {@code prefect.deployment.ready|not-ready} events, inserted and
 * announced ({@code pg_notify}) in the same statement.
 */
public final class ScheduledRunStore {
  private ScheduledRunStore() {}

  /** Below every uuid (PostgreSQL orders them as unsigned bytes). */
  static final UUID FIRST = new UUID(0, 0);

  // ---- deletion rules ----------------------------------------------------------------------

  /** D1 {@code autoOnly, futureOnly}; D2 {@code autoOnly}; D3 neither. */
  public enum Deletion { D1, D2, D3 }

  static final String DELETE_SCHEDULED = """
      DELETE FROM flow_run
       WHERE deployment_id = $1 AND state_type = 'SCHEDULED' AND state_name <> 'AwaitingConcurrencySlot'
         AND run_count = 0""";

  /** Deletes the deployment's not-yet-run scheduled runs the rule names; returns how many. */
  public static Future<Integer> deleteScheduledRuns(SqlClient c, UUID deploymentId, Deletion rule, Instant now) {
    String sql = switch (rule) {
      case D1 -> DELETE_SCHEDULED + " AND auto_scheduled AND next_scheduled_start_time > $2";
      case D2 -> DELETE_SCHEDULED + " AND auto_scheduled";
      case D3 -> DELETE_SCHEDULED;
    };
    Tuple t = rule == Deletion.D1 ? Tuple.of(deploymentId, Rows.ts(now)) : Tuple.of(deploymentId);
    return c.preparedQuery(sql).execute(t).map(rows -> rows.rowCount());
  }

  // ---- which deployments -------------------------------------------------------------------

  /**
   * The main pass's page: deployments not paused with an active schedule that has fewer than
   * {@code minRuns} future auto-scheduled runs, or whose last one is less than {@code minTime}
   * ahead — per schedule (a run's {@code created_by.id} is its schedule); Late and past runs do
   * not count. Each schedule costs at most {@code minRuns + 1} index entries.
   */
  static final String TO_SCHEDULE = """
      SELECT d.id FROM deployment d
       WHERE d.paused IS NOT TRUE AND d.id > $1
         AND EXISTS (
           SELECT 1 FROM deployment_schedule s
            WHERE s.deployment_id = d.id AND s.active
              AND ((SELECT count(*) FROM (
                      SELECT 1 FROM flow_run fr
                       WHERE fr.deployment_id = s.deployment_id AND (fr.created_by ->> 'id') = s.id::text
                         AND fr.auto_scheduled = true AND fr.state_type = 'SCHEDULED'
                         AND fr.next_scheduled_start_time >= $2
                       LIMIT $3) n) < $3
                OR (SELECT fr.next_scheduled_start_time FROM flow_run fr
                     WHERE fr.deployment_id = s.deployment_id AND (fr.created_by ->> 'id') = s.id::text
                       AND fr.auto_scheduled = true AND fr.state_type = 'SCHEDULED'
                       AND fr.next_scheduled_start_time >= $2
                     ORDER BY fr.next_scheduled_start_time DESC LIMIT 1) < $4))
       ORDER BY d.id LIMIT $5""";

  public static Future<List<UUID>> toSchedule(SqlClient c, UUID after, Instant now, int minRuns, Duration minTime,
      int batch) {
    return ids(c.preparedQuery(TO_SCHEDULE).execute(Tuple.of(after == null ? FIRST : after,
        Rows.ts(now), minRuns, Rows.ts(now.plus(minTime)), batch)));
  }

  /** The recent pass's page: deployments not paused, with an active schedule, changed since {@code since}. */
  static final String RECENT = """
      SELECT d.id FROM deployment d
       WHERE d.paused IS NOT TRUE AND d.updated >= $2 AND d.id > $1
         AND EXISTS (SELECT 1 FROM deployment_schedule s WHERE s.deployment_id = d.id AND s.active)
       ORDER BY d.id LIMIT $3""";

  public static Future<List<UUID>> recent(SqlClient c, UUID after, Instant since, int batch) {
    return ids(c.preparedQuery(RECENT).execute(Tuple.of(after == null ? FIRST : after,
        Rows.ts(since), batch)));
  }

  private static Future<List<UUID>> ids(Future<io.vertx.sqlclient.RowSet<Row>> f) {
    return f.map(rows -> {
      List<UUID> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(r.getUUID(0)));
      return out;
    });
  }

  static final String LOAD = "SELECT " + DeploymentRepository.COLUMNS
      + " FROM deployment WHERE id = ANY($1::uuid[]) AND paused IS NOT TRUE ORDER BY id";

  /** The deployments (not paused) as they are now, without schedules. */
  public static Future<List<Deployment>> load(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(LOAD).execute(Tuple.of((Object) ids.toArray(new UUID[0]))).map(rows -> {
      List<Deployment> out = new ArrayList<>();
      rows.forEach(r -> out.add(DeploymentRepository.deployment(r)));
      return out;
    });
  }

  /**
   * Locks, for this transaction, those of the deployments that are still as they were read
   * ({@code updated} unchanged: no PATCH, upsert, pause or schedule change since) and not paused,
   * skipping any another transaction holds — an API change in progress, or another instance's
   * scheduler on the same deployments. Returns the ids locked.
   */
  static final String LOCK_UNCHANGED = """
      SELECT d.id FROM deployment d
        JOIN unnest($1::uuid[], $2::timestamptz[]) AS v(id, updated) ON v.id = d.id AND v.updated = d.updated
       WHERE d.paused IS NOT TRUE
       ORDER BY d.id
         FOR NO KEY UPDATE OF d SKIP LOCKED""";

  public static Future<List<UUID>> lockUnchanged(SqlClient c, Map<UUID, Instant> updated) {
    UUID[] ids = new UUID[updated.size()];
    OffsetDateTime[] times = new OffsetDateTime[updated.size()];
    int i = 0;
    for (Map.Entry<UUID, Instant> e : updated.entrySet()) {
      ids[i] = e.getKey();
      times[i++] = Rows.ts(e.getValue());
    }
    return ids(c.preparedQuery(LOCK_UNCHANGED).execute(Tuple.tuple().addValue(ids).addValue(times)));
  }

  // ---- the insert ----------------------------------------------------------------------------

  /**
   * One statement: the runs, each Scheduled at its date (no orchestration, no event, as Prefect),
   * {@code ON CONFLICT (flow_id, idempotency_key) DO NOTHING}; a state row for each run inserted,
   * its id already the run's {@code state_id}. {@code created} is the planning time, so a run made
   * ahead of its date has {@code expected_start_time >= created} (a backfill does not).
   */
  static final String INSERT_RUNS = """
      WITH v AS (
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[],
                             $8::text[], $9::uuid[], $10::text[], $11::text[], $12::text[], $13::bool[],
                             $14::timestamptz[], $15::text[], $16::text[])
          AS v(id, state_id, name, flow_id, deployment_id, deployment_version, work_queue_name, parameters,
               infrastructure_document_id, idempotency_key, tags, labels, auto_scheduled, scheduled_time,
               created_by, state_details)),
      ins AS (
        INSERT INTO flow_run (id, created, updated, name, flow_id, deployment_id, deployment_version,
                              work_queue_name, parameters, infrastructure_document_id, idempotency_key,
                              empirical_policy, tags, labels, auto_scheduled, state_id, state_type, state_name,
                              state_timestamp, expected_start_time, next_scheduled_start_time, created_by)
        SELECT v.id, $17, $17, v.name, v.flow_id, v.deployment_id, v.deployment_version, v.work_queue_name,
               v.parameters::jsonb, v.infrastructure_document_id, v.idempotency_key, $18::text::jsonb,
               v.tags::jsonb, v.labels::jsonb, v.auto_scheduled, v.state_id, 'SCHEDULED', 'Scheduled', $17,
               v.scheduled_time, v.scheduled_time, v.created_by::jsonb
          FROM v
        ON CONFLICT (flow_id, idempotency_key) DO NOTHING
        RETURNING id, state_id),
      st AS (
        INSERT INTO flow_run_state (id, flow_run_id, type, name, timestamp, message, state_details)
        SELECT ins.state_id, ins.id, 'SCHEDULED', 'Scheduled', $17, 'Flow run scheduled', v.state_details::jsonb
          FROM ins JOIN v ON v.id = ins.id
        RETURNING 1)
      SELECT (SELECT count(*) FROM ins) AS inserted, (SELECT count(*) FROM st) AS states""";

  /** Inserts the runs; returns how many were new (the others' keys were taken). */
  public static Future<Integer> insert(SqlClient c, List<PlannedRun> runs, Instant now) {
    if (runs.isEmpty()) {
      return Future.succeededFuture(0);
    }
    int n = runs.size();
    UUID[] id = new UUID[n];
    UUID[] stateId = new UUID[n];
    String[] name = new String[n];
    UUID[] flow = new UUID[n];
    UUID[] dep = new UUID[n];
    String[] version = new String[n];
    String[] queue = new String[n];
    String[] params = new String[n];
    UUID[] infra = new UUID[n];
    String[] key = new String[n];
    String[] tags = new String[n];
    String[] labels = new String[n];
    Boolean[] auto = new Boolean[n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] createdBy = new String[n];
    String[] details = new String[n];
    for (int i = 0; i < n; i++) {
      PlannedRun r = runs.get(i);
      id[i] = r.id();
      stateId[i] = r.stateId();
      name[i] = r.name();
      flow[i] = r.flowId();
      dep[i] = r.deploymentId();
      version[i] = r.deploymentVersion();
      queue[i] = r.workQueueName();
      params[i] = JsonCodec.write(r.parameters());
      infra[i] = r.infrastructureDocumentId();
      key[i] = r.idempotencyKey();
      tags[i] = JsonCodec.writeStrings(r.tags());
      labels[i] = JsonCodec.write(r.labels());
      auto[i] = r.autoScheduled();
      at[i] = Rows.ts(r.scheduledTime());
      createdBy[i] = JsonCodec.write(r.createdBy());
      details[i] = JsonCodec.writeDetails(StateDetails.builder().scheduledTime(r.scheduledTime()).build());
    }
    Tuple t = Tuple.tuple().addValue(id).addValue(stateId).addValue(name).addValue(flow).addValue(dep)
        .addValue(version).addValue(queue).addValue(params).addValue(infra).addValue(key).addValue(tags)
        .addValue(labels).addValue(auto).addValue(at).addValue(createdBy).addValue(details)
        .addValue(Rows.ts(now)).addValue(JsonCodec.writeFlowPolicy(FlowRunPolicy.DEFAULT));
    return c.preparedQuery(INSERT_RUNS).execute(t).map(rows -> rows.iterator().next().getLong("inserted").intValue());
  }

  // ---- accumulated Late runs ---------------------------------------------------------------

  /**
   * Deletes, per schedule, the Late auto-scheduled runs older than its {@code keep} newest ones —
   * only runs made ahead of their date ({@code expected_start_time >= created}: never a backfill),
   * never started, still Late when deleted — at most {@code limit}; returns how many.
   */
  static final String TRIM_LATE = """
      DELETE FROM flow_run WHERE id IN (
        SELECT x.id FROM (
          SELECT fr.id, row_number() OVER (PARTITION BY fr.deployment_id, fr.created_by ->> 'id'
                                           ORDER BY fr.next_scheduled_start_time DESC, fr.id DESC) AS rn
            FROM flow_run fr
           WHERE fr.auto_scheduled = true AND fr.state_type = 'SCHEDULED' AND fr.state_name = 'Late'
             AND fr.deployment_id IS NOT NULL) x
         JOIN flow_run f ON f.id = x.id
        WHERE x.rn > $1 AND f.run_count = 0 AND f.expected_start_time >= f.created
        LIMIT $2)
        AND state_type = 'SCHEDULED' AND state_name = 'Late' AND run_count = 0""";

  public static Future<Integer> trimLate(SqlClient c, int keep, int limit) {
    return c.preparedQuery(TRIM_LATE).execute(Tuple.of(keep, limit)).map(rows -> rows.rowCount());
  }

  // ---- the runner's poll ---------------------------------------------------------------------

  /**
   * {@code POST /deployments/get_scheduled_flow_runs}: the SCHEDULED runs of the deployments (any
   * name: Scheduled, Late, AwaitingRetry, AwaitingConcurrencySlot, Resuming), due by
   * {@code before} when given, oldest first — except runs waiting for an in-process retry, which
   * the flow's own process resumes (Prefect's #15458).
   */
  public static Future<List<FlowRun>> scheduledRuns(SqlClient c, List<UUID> deploymentIds, Instant before, int limit) {
    List<Object> params = new ArrayList<>();
    params.add(deploymentIds.toArray(new UUID[0]));
    String where = "flow_run.deployment_id = ANY($1::uuid[]) AND flow_run.state_type = 'SCHEDULED'"
        + " AND (flow_run.empirical_policy ->> 'retry_type') IS DISTINCT FROM 'in_process'";
    if (before != null) {
      params.add(Rows.ts(before));
      where += " AND flow_run.next_scheduled_start_time <= $2";
    }
    return FlowRunRepository.list(c, where, params, "flow_run.next_scheduled_start_time ASC, flow_run.id", limit, 0);
  }

  // ---- statuses ------------------------------------------------------------------------------

  /** The related resources of a deployment's status event (flow, storage, infrastructure, limit). */
  private static final String STATUS_EVENT = """
      ev AS (
        INSERT INTO event (id, occurred, event, resource_id, resource, related_resource_ids, related, payload, received)
        SELECT gen_random_uuid(), $T, 'prefect.deployment.' || $E, 'prefect.deployment.' || u.id::text,
               jsonb_build_object('prefect.resource.id', 'prefect.deployment.' || u.id::text, 'prefect.resource.name', u.name),
               ARRAY(SELECT r ->> 'prefect.resource.id' FROM jsonb_array_elements(rel.related) r), rel.related, '{}', $T
          FROM upd u
          CROSS JOIN LATERAL (
            SELECT coalesce(jsonb_agg(x.r ORDER BY x.ord), '[]'::jsonb) AS related FROM (
              SELECT 1 AS ord, jsonb_build_object('prefect.resource.id', 'prefect.flow.' || f.id::text,
                                                  'prefect.resource.name', f.name, 'prefect.resource.role', 'flow') AS r
                FROM flow f WHERE f.id = u.flow_id
              UNION ALL
              SELECT 4, jsonb_build_object('prefect.resource.id', 'prefect.block-document.' || u.storage_document_id::text,
                                           'prefect.resource.role', 'storage')
               WHERE u.storage_document_id IS NOT NULL
              UNION ALL
              SELECT 5, jsonb_build_object('prefect.resource.id', 'prefect.block-document.' || u.infrastructure_document_id::text,
                                           'prefect.resource.role', 'infrastructure')
               WHERE u.infrastructure_document_id IS NOT NULL
              UNION ALL
              SELECT 6, jsonb_build_object('prefect.resource.id', 'prefect.concurrency-limit.' || u.concurrency_limit_id::text,
                                           'prefect.resource.role', 'concurrency-limit')
               WHERE u.concurrency_limit_id IS NOT NULL) x) rel
         WHERE u.was IS DISTINCT FROM u.status
        RETURNING id)
      SELECT (SELECT count(*) FROM upd) AS written,
             (SELECT count(*) FROM ev CROSS JOIN LATERAL (SELECT pg_notify('%s', '%s' || ev.id::text)) n) AS events"""
      .formatted(ServerEventStore.CHANNEL, ServerEventStore.SERVER_PREFIX);

  /**
   * A poll covered the deployments: READY and {@code last_polled = now}, {@code updated} untouched
   * — only for rows not READY or polled longer than {@code refresh} ago (Prefect rewrites every row
   * on every poll, its #23129), skipping rows another transaction holds (the next poll writes
   * them). A deployment that was NOT_READY gets {@code prefect.deployment.ready}. Returns
   * {@code [rows written, events]}.
   */
  static final String MARK_READY = """
      WITH locked AS (
        SELECT id, status FROM deployment
         WHERE id = ANY($1::uuid[]) AND (status <> 'READY' OR last_polled IS NULL OR last_polled < $3)
         ORDER BY id FOR NO KEY UPDATE SKIP LOCKED),
      upd AS (
        UPDATE deployment d SET status = 'READY', last_polled = $2 FROM locked l WHERE d.id = l.id
        RETURNING d.id, d.name, d.flow_id, d.storage_document_id, d.infrastructure_document_id,
                  d.concurrency_limit_id, d.status, l.status AS was),
      """ + STATUS_EVENT.replace("$T", "$2").replace("$E", "'ready'");

  public static Future<int[]> markReady(SqlClient c, List<UUID> ids, Instant now, Duration refresh) {
    return c.preparedQuery(MARK_READY).execute(Tuple.of(ids.toArray(new UUID[0]), Rows.ts(now), Rows.ts(now.minus(refresh))))
        .map(ScheduledRunStore::counts);
  }

  /**
   * The not-ready pass (Prefect's foreman, for deployments): READY ones last polled before
   * {@code pollCutoff} become NOT_READY, {@code updated} untouched, each with
   * {@code prefect.deployment.not-ready}; at most {@code limit}, skipping locked rows.
   */
  static final String MARK_NOT_READY = """
      WITH locked AS (
        SELECT id, status FROM deployment
         WHERE status = 'READY' AND last_polled < $1
         ORDER BY id LIMIT $3 FOR NO KEY UPDATE SKIP LOCKED),
      upd AS (
        UPDATE deployment d SET status = 'NOT_READY' FROM locked l WHERE d.id = l.id
        RETURNING d.id, d.name, d.flow_id, d.storage_document_id, d.infrastructure_document_id,
                  d.concurrency_limit_id, d.status, l.status AS was),
      """ + STATUS_EVENT.replace("$T", "$2").replace("$E", "'not-ready'");

  public static Future<int[]> markNotReady(SqlClient c, Instant pollCutoff, Instant now, int limit) {
    return c.preparedQuery(MARK_NOT_READY).execute(Tuple.of(Rows.ts(pollCutoff), Rows.ts(now), limit))
        .map(ScheduledRunStore::counts);
  }

  private static int[] counts(io.vertx.sqlclient.RowSet<Row> rows) {
    Row r = rows.iterator().next();
    return new int[] {r.getLong("written").intValue(), r.getLong("events").intValue()};
  }
}
