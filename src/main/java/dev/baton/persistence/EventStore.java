package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Event;
import dev.baton.domain.State;
import dev.baton.events.EventFilter;
import dev.baton.filter.TextSearch;
import dev.baton.events.TaskRunEvent;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The event table, and the task-run recorder's writes into task_run and task_run_state.
 *
 * <p>{@link #write} stores a batch of events and records the client-orchestrated task-run events
 * among them in one transaction of two round trips: BEGIN with the look-ups (task runs already
 * stored under the same natural key, flow runs that exist), then the inserts and COMMIT,
 * pipelined. Every statement is idempotent, so a batch sent again (a client resending what it had
 * no confirmation for) changes nothing:
 *
 * <ul>
 *   <li>events: {@code ON CONFLICT (id) DO NOTHING};
 *   <li>task runs: inserted, or updated only when the event's state is newer than the run's
 *       current one ({@code state_timestamp <}), so the run row always points at its newest state
 *       whatever order the events arrive in;
 *   <li>states: one per event (the event id is the state id), {@code ON CONFLICT (id) DO NOTHING}.
 * </ul>
 *
 * No orchestration rule runs: the client already orchestrated these transitions.
 */
public final class EventStore {
  private EventStore() {}

  /**
   * What a write did.
   *
   * @param inserted ids of the events that were new
   * @param noFlowRun task-run events not recorded because their flow run does not exist (the
   *     events themselves are stored)
   */
  public record Written(Set<UUID> inserted, List<TaskRunEvent> noFlowRun) {}

  /**
   * The events, each new one announced to the other instances on {@link ServerEventStore#CHANNEL}
   * ({@code $10} = {@code r:<instance>:}, then up to 200 ids a notification), delivered on commit,
   * and — while an automation is enabled — put in the automations' inbox ({@link ServerEventStore#INBOX}).
   */
  static final String INSERT_EVENTS = """
      WITH ins AS (
        INSERT INTO event (id, occurred, event, resource_id, resource, related_resource_ids, related, payload,
                           received, follows)
        SELECT v.id, v.occurred, v.event, v.resource_id, v.resource::jsonb,
               ARRAY(SELECT r ->> 'prefect.resource.id' FROM jsonb_array_elements(v.related::jsonb) r),
               v.related::jsonb, v.payload::jsonb, v.received, v.follows
          FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                      $8::timestamptz[], $9::uuid[])
            AS v(id, occurred, event, resource_id, resource, related, payload, received, follows)
        ON CONFLICT (id) DO NOTHING
        RETURNING id, occurred, follows, event),
      inboxed AS (""" + ServerEventStore.INBOX + """
        ),
      announced AS (
        SELECT pg_notify('baton_events', $10 || string_agg(c.id::text, ','))
          FROM (SELECT id, (row_number() OVER () - 1) / 200 AS chunk FROM ins) c
         GROUP BY c.chunk)
      SELECT ins.id FROM ins WHERE (SELECT count(*) FROM announced) >= 0""";

  /** Task runs already stored under the natural keys of the batch (a null flow run is a value). */
  static final String EXISTING_KEYS = """
      SELECT t.id, t.flow_run_id, t.task_key, t.dynamic_key
        FROM unnest($1::uuid[], $2::text[], $3::text[]) AS k(flow_run_id, task_key, dynamic_key)
        JOIN task_run t ON t.flow_run_id IS NOT DISTINCT FROM k.flow_run_id
                       AND t.task_key = k.task_key AND t.dynamic_key = k.dynamic_key""";

  static final String EXISTING_FLOW_RUNS = "SELECT id FROM flow_run WHERE id = ANY($1::uuid[])";

  /**
   * Inserts or updates task runs from the newest event of each (one row per run, in id order so
   * concurrent recorders lock in the same order). A new run inherits its flow run's labels as
   * {@code POST /task_runs/} does. An existing run is only changed by a newer state.
   */
  static final String UPSERT_TASK_RUNS = """
      INSERT INTO task_run AS tr (id, name, flow_run_id, task_key, dynamic_key, cache_key, cache_expiration,
                                  task_version, empirical_policy, tags, labels, task_inputs, state_id, state_type,
                                  state_name, state_timestamp, run_count, flow_run_run_count, expected_start_time,
                                  next_scheduled_start_time, start_time, end_time, total_run_time_us)
      SELECT v.id, v.name, v.flow_run_id, v.task_key, v.dynamic_key, v.cache_key, v.cache_expiration, v.task_version,
             v.empirical_policy::jsonb, v.tags::jsonb,
             CASE WHEN v.flow_run_id IS NULL THEN '{}'::jsonb
                  ELSE coalesce((SELECT f.labels FROM flow_run f WHERE f.id = v.flow_run_id), '{}'::jsonb)
                       || jsonb_build_object('prefect.flow-run.id', v.flow_run_id::text) END
             || v.labels::jsonb,
             v.task_inputs::jsonb, v.state_id, v.state_type, v.state_name, v.state_timestamp, v.run_count,
             v.flow_run_run_count, v.expected_start_time, v.next_scheduled_start_time, v.start_time, v.end_time,
             v.total_run_time_us
        FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::timestamptz[],
                    $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::uuid[], $14::text[],
                    $15::text[], $16::timestamptz[], $17::int[], $18::int[], $19::timestamptz[],
                    $20::timestamptz[], $21::timestamptz[], $22::timestamptz[], $23::bigint[])
          AS v(id, name, flow_run_id, task_key, dynamic_key, cache_key, cache_expiration, task_version,
               empirical_policy, tags, labels, task_inputs, state_id, state_type, state_name, state_timestamp,
               run_count, flow_run_run_count, expected_start_time, next_scheduled_start_time, start_time, end_time,
               total_run_time_us)
       ORDER BY v.id
      ON CONFLICT (id) DO UPDATE
         SET updated = now(), name = excluded.name, cache_key = excluded.cache_key,
             cache_expiration = excluded.cache_expiration, task_version = excluded.task_version,
             empirical_policy = excluded.empirical_policy, tags = excluded.tags, labels = excluded.labels,
             task_inputs = excluded.task_inputs, state_id = excluded.state_id, state_type = excluded.state_type,
             state_name = excluded.state_name, state_timestamp = excluded.state_timestamp,
             run_count = excluded.run_count, flow_run_run_count = excluded.flow_run_run_count,
             expected_start_time = excluded.expected_start_time,
             next_scheduled_start_time = excluded.next_scheduled_start_time, start_time = excluded.start_time,
             end_time = excluded.end_time, total_run_time_us = excluded.total_run_time_us
       WHERE tr.state_timestamp IS NULL OR tr.state_timestamp < excluded.state_timestamp""";

  /** Every event's state, for runs that exist once the upsert ran (one whose flow run is gone: none). */
  static final String INSERT_STATES = """
      INSERT INTO task_run_state (id, task_run_id, type, name, timestamp, message, state_details, data)
      SELECT v.id, v.task_run_id, v.type, v.name, v.ts, v.message, v.details::jsonb, v.data::jsonb
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[],
                    $8::text[]) AS v(id, task_run_id, type, name, ts, message, details, data)
       WHERE EXISTS (SELECT 1 FROM task_run t WHERE t.id = v.task_run_id)
      ON CONFLICT (id) DO NOTHING""";

  /** Stores {@code events} and records {@code runs} (task-run facts of some of them), in one transaction. */
  public static Future<Written> write(Pool pool, List<Event> events, List<TaskRunEvent> runs, String instance) {
    String announce = ServerEventStore.RECORDED_PREFIX + instance + ":";
    return Transactions.pipelined(pool, (conn, begun) -> {
      if (runs.isEmpty()) {
        Future<RowSet<Row>> ins = insertEvents(conn, events, announce);
        return Transactions.commitBehind(conn, ins).map(rows -> new Written(ids(rows), List.of()));
      }
      int n = runs.size();
      UUID[] keyFlow = new UUID[n];
      String[] keyTask = new String[n];
      String[] keyDynamic = new String[n];
      Set<UUID> flowIds = new HashSet<>();
      for (int i = 0; i < n; i++) {
        TaskRunEvent r = runs.get(i);
        keyFlow[i] = r.flowRunId();
        keyTask[i] = r.taskKey();
        keyDynamic[i] = r.dynamicKey();
        if (r.flowRunId() != null) {
          flowIds.add(r.flowRunId());
        }
      }
      Future<RowSet<Row>> keys = conn.preparedQuery(EXISTING_KEYS).execute(Tuple.of(keyFlow, keyTask, keyDynamic));
      Future<RowSet<Row>> flows = conn.preparedQuery(EXISTING_FLOW_RUNS)
          .execute(Tuple.of((Object) flowIds.toArray(new UUID[0])));
      return Future.all(begun, keys, flows).compose(x -> {
        Set<UUID> existingFlows = new HashSet<>();
        flows.result().forEach(row -> existingFlows.add(row.getUUID("id")));
        Map<List<Object>, UUID> byKey = new HashMap<>();
        keys.result().forEach(row -> byKey.put(naturalKey(row.getUUID("flow_run_id"), row.getString("task_key"),
            row.getString("dynamic_key")), row.getUUID("id")));
        List<TaskRunEvent> noFlowRun = new ArrayList<>();
        List<TaskRunEvent> resolved = new ArrayList<>(n);
        for (TaskRunEvent r : runs) {
          if (r.flowRunId() != null && !existingFlows.contains(r.flowRunId())) {
            noFlowRun.add(r);
            continue;
          }
          // a natural key already stored (or first seen earlier in this batch) under another id:
          // the states go to that run, as Prefect's recorder does
          UUID canonical = byKey.putIfAbsent(naturalKey(r.flowRunId(), r.taskKey(), r.dynamicKey()), r.taskRunId());
          resolved.add(canonical == null || canonical.equals(r.taskRunId()) ? r : r.withTaskRunId(canonical));
        }
        Future<RowSet<Row>> ins = insertEvents(conn, events, announce);
        List<Future<?>> writes = new ArrayList<>(List.of(ins));
        if (!resolved.isEmpty()) {
          writes.add(upsertTaskRuns(conn, resolved));
          writes.add(insertStates(conn, resolved));
        }
        return Transactions.commitBehind(conn, Future.all(writes))
            .map(done -> new Written(ids(ins.result()), noFlowRun));
      });
    });
  }

  private static List<Object> naturalKey(UUID flowRunId, String taskKey, String dynamicKey) {
    return java.util.Arrays.asList(flowRunId, taskKey, dynamicKey);
  }

  private static Set<UUID> ids(RowSet<Row> rows) {
    Set<UUID> s = new HashSet<>();
    rows.forEach(r -> s.add(r.getUUID("id")));
    return s;
  }

  private static Future<RowSet<Row>> insertEvents(SqlClient c, List<Event> events, String announce) {
    int n = events.size();
    UUID[] id = new UUID[n];
    OffsetDateTime[] occurred = new OffsetDateTime[n];
    String[] name = new String[n];
    String[] resourceId = new String[n];
    String[] resource = new String[n];
    String[] related = new String[n];
    String[] payload = new String[n];
    OffsetDateTime[] received = new OffsetDateTime[n];
    UUID[] follows = new UUID[n];
    for (int i = 0; i < n; i++) {
      Event e = events.get(i);
      id[i] = e.id();
      occurred[i] = Rows.ts(e.occurred());
      name[i] = e.event();
      resourceId[i] = e.resourceId();
      resource[i] = JsonCodec.write(e.resource());
      related[i] = JsonCodec.write(e.related());
      payload[i] = JsonCodec.write(e.payload());
      received[i] = Rows.ts(e.received());
      follows[i] = e.follows();
    }
    return c.preparedQuery(INSERT_EVENTS)
        .execute(Tuple.of(id, occurred, name, resourceId, resource, related, payload, received, follows, announce));
  }

  /** The newest event of each run (ties: the later in the batch), in run-id order. */
  private static Future<RowSet<Row>> upsertTaskRuns(SqlClient c, List<TaskRunEvent> runs) {
    Map<UUID, TaskRunEvent> newest = new TreeMap<>();
    for (TaskRunEvent r : runs) {
      newest.merge(r.taskRunId(), r, (a, b) -> b.stateTimestamp().isBefore(a.stateTimestamp()) ? a : b);
    }
    int n = newest.size();
    Object[][] cols = {new UUID[n], new String[n], new UUID[n], new String[n], new String[n], new String[n],
        new OffsetDateTime[n], new String[n], new String[n], new String[n], new String[n], new String[n],
        new UUID[n], new String[n], new String[n], new OffsetDateTime[n], new Integer[n], new Integer[n],
        new OffsetDateTime[n], new OffsetDateTime[n], new OffsetDateTime[n], new OffsetDateTime[n], new Long[n]};
    int i = 0;
    for (TaskRunEvent r : newest.values()) {
      Object[] row = {r.taskRunId(), r.name(), r.flowRunId(), r.taskKey(), r.dynamicKey(), r.cacheKey(),
          Rows.ts(r.cacheExpiration()), r.taskVersion(), JsonCodec.writeTaskPolicy(r.empiricalPolicy()),
          JsonCodec.writeStrings(r.tags()), JsonCodec.write(r.labels()), JsonCodec.write(r.taskInputs()),
          r.stateId(), r.stateType().name(), r.stateName(), Rows.ts(r.stateTimestamp()), r.runCount(),
          r.flowRunRunCount(), Rows.ts(r.expectedStartTime()), Rows.ts(r.nextScheduledStartTime()),
          Rows.ts(r.startTime()), Rows.ts(r.endTime()), r.totalRunTimeMicros()};
      for (int j = 0; j < row.length; j++) {
        cols[j][i] = row[j];
      }
      i++;
    }
    return c.preparedQuery(UPSERT_TASK_RUNS).execute(Tuple.from(cols));
  }

  private static Future<RowSet<Row>> insertStates(SqlClient c, List<TaskRunEvent> runs) {
    Map<UUID, TaskRunEvent> byState = new LinkedHashMap<>();
    runs.forEach(r -> byState.putIfAbsent(r.stateId(), r));
    int n = byState.size();
    Object[][] cols = {new UUID[n], new UUID[n], new String[n], new String[n], new OffsetDateTime[n], new String[n],
        new String[n], new String[n]};
    int i = 0;
    for (TaskRunEvent r : byState.values()) {
      JsonNode data = r.stateData();
      String stored = data == null || data.isNull() || State.isUnpersisted(data) ? null
          : JsonCodec.write(JsonCodec.stripArtifactKeys(data));
      Object[] row = {r.stateId(), r.taskRunId(), r.stateType().name(), r.stateName(), Rows.ts(r.stateTimestamp()),
          r.stateMessage(), JsonCodec.writeDetails(r.stateDetails()), stored};
      for (int j = 0; j < row.length; j++) {
        cols[j][i] = row[j];
      }
      i++;
    }
    return c.preparedQuery(INSERT_STATES).execute(Tuple.from(cols));
  }

  // ---- reading ---------------------------------------------------------------------------

  static final String EVENT_COLUMNS = """
      e.id, e.occurred, e.event, e.resource::text AS resource, e.related::text AS related,
      e.payload::text AS payload, e.follows, e.received""";

  /** A page of events matching {@code f}, and how many match in all. */
  public record Page(List<Event> events, long total) {}

  /** Events matching {@code f}, {@code offset} skipped, at most {@code limit}, in the filter's order. */
  public static Future<Page> query(SqlClient c, EventFilter f, int limit, int offset) {
    List<Object> params = new ArrayList<>();
    String where = where(f, params);
    String order = f.descending() ? "e.occurred DESC, e.id DESC" : "e.occurred, e.id";
    String select = "SELECT " + EVENT_COLUMNS + " FROM event e WHERE " + where + " ORDER BY " + order
        + " LIMIT " + limit + " OFFSET " + offset;
    String count = "SELECT count(*) FROM event e WHERE " + where;
    Tuple t = Tuple.from(params);
    Future<RowSet<Row>> rows = c.preparedQuery(select).execute(t);
    Future<RowSet<Row>> total = c.preparedQuery(count).execute(t);
    return Future.all(rows, total).map(x -> {
      List<Event> events = new ArrayList<>();
      rows.result().forEach(r -> events.add(event(r)));
      return new Page(events, total.result().iterator().next().getLong(0));
    });
  }

  static Event event(Row r) {
    return new Event(r.getUUID("id"), Rows.instant(r, "occurred"), r.getString("event"),
        (ObjectNode) JsonCodec.read(r.getString("resource")), (ArrayNode) JsonCodec.read(r.getString("related")),
        (ObjectNode) JsonCodec.read(r.getString("payload")), r.getUUID("follows"), Rows.instant(r, "received"));
  }

  /** {@code LIKE} pattern matching strings that start with {@code prefix}. */
  static String prefixPattern(String prefix) {
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
  }

  private static String[] patterns(List<String> prefixes) {
    return prefixes.stream().map(EventStore::prefixPattern).toArray(String[]::new);
  }

  private static String param(List<Object> params, Object value, String cast) {
    params.add(value);
    return "$" + params.size() + cast;
  }

  /** The WHERE clause of {@code f} over {@code event e}; its values appended to {@code params}. */
  static String where(EventFilter f, List<Object> params) {
    List<String> w = new ArrayList<>();
    if (f.since() != null) w.add("e.occurred >= " + param(params, Rows.ts(f.since()), ""));
    if (f.until() != null) w.add("e.occurred <= " + param(params, Rows.ts(f.until()), ""));
    if (f.namePrefix() != null) {
      w.add("e.event LIKE ANY(" + param(params, patterns(f.namePrefix()), "::text[]") + ")");
    }
    if (f.excludeNamePrefix() != null) {
      w.add("NOT (e.event LIKE ANY(" + param(params, patterns(f.excludeNamePrefix()), "::text[]") + "))");
    }
    if (f.name() != null) w.add("e.event = ANY(" + param(params, f.name().toArray(String[]::new), "::text[]") + ")");
    if (f.excludeName() != null) {
      w.add("e.event <> ALL(" + param(params, f.excludeName().toArray(String[]::new), "::text[]") + ")");
    }
    if (f.resourceId() != null) {
      w.add("e.resource_id = ANY(" + param(params, f.resourceId().toArray(String[]::new), "::text[]") + ")");
    }
    if (f.resourceIdPrefix() != null) {
      w.add("e.resource_id LIKE ANY(" + param(params, patterns(f.resourceIdPrefix()), "::text[]") + ")");
    }
    for (EventFilter.ResourceCriteria a : f.anyResource()) {
      w.add(anyResource(a, params));
    }
    for (EventFilter.RelatedCriteria r : f.related()) {
      w.add(related(r, params));
    }
    if (f.text() != null) {
      text(f.text(), params, w);
    }
    if (f.ids() != null) w.add("e.id = ANY(" + param(params, f.ids().toArray(UUID[]::new), "::uuid[]") + ")");
    return w.isEmpty() ? "true" : String.join(" AND ", w);
  }

  /** The primary or some related resource satisfies both of {@code a}'s criteria. */
  private static String anyResource(EventFilter.ResourceCriteria a, List<Object> params) {
    if (a.idPrefix() == null) {
      String p = param(params, a.id().toArray(String[]::new), "::text[]");
      return "(e.resource_id = ANY(" + p + ") OR e.related_resource_ids && " + p + ")";
    }
    String prefix = param(params, patterns(a.idPrefix()), "::text[]");
    if (a.id() == null) {
      return "(e.resource_id LIKE ANY(" + prefix + ") OR EXISTS (SELECT 1 FROM unnest(e.related_resource_ids) r"
          + " WHERE r LIKE ANY(" + prefix + ")))";
    }
    String ids = param(params, a.id().toArray(String[]::new), "::text[]");
    return "((e.resource_id = ANY(" + ids + ") AND e.resource_id LIKE ANY(" + prefix + "))"
        + " OR EXISTS (SELECT 1 FROM unnest(e.related_resource_ids) r WHERE r = ANY(" + ids + ") AND r LIKE ANY("
        + prefix + ")))";
  }

  /** Some related resource satisfies all of {@code r}'s criteria. */
  private static String related(EventFilter.RelatedCriteria r, List<Object> params) {
    List<String> cond = new ArrayList<>();
    String pre = "";
    if (r.id() != null) {
      String p = param(params, r.id().toArray(String[]::new), "::text[]");
      pre = "e.related_resource_ids && " + p + " AND ";
      cond.add("r ->> 'prefect.resource.id' = ANY(" + p + ")");
    }
    if (r.role() != null) {
      cond.add("r ->> 'prefect.resource.role' = ANY(" + param(params, r.role().toArray(String[]::new), "::text[]") + ")");
    }
    if (r.inRoles() != null) {
      String ids = param(params, r.inRoles().stream().map(p -> p.get(0)).toArray(String[]::new), "::text[]");
      String roles = param(params, r.inRoles().stream().map(p -> p.get(1)).toArray(String[]::new), "::text[]");
      cond.add("EXISTS (SELECT 1 FROM unnest(" + ids + ", " + roles + ") AS q(id, role)"
          + " WHERE r ->> 'prefect.resource.id' = q.id AND r ->> 'prefect.resource.role' = q.role)");
    }
    return "(" + pre + "EXISTS (SELECT 1 FROM jsonb_array_elements(e.related) r WHERE " + String.join(" AND ", cond)
        + "))";
  }

  /**
   * Prefect's EventTextFilter over the event name and the JSON text of its resource, related
   * resources and payload, in lower case: any included term, no excluded one, every required one.
   */
  private static void text(TextSearch t, List<Object> params, List<String> w) {
    String hay = "lower(concat(e.event, ' ', e.resource::text, ' ', e.related::text, ' ', e.payload::text))";
    java.util.function.Function<String, String> has = term -> "strpos(" + hay + ", lower(" + param(params, term, "::text")
        + ")) > 0";
    if (!t.include().isEmpty()) {
      w.add("(" + String.join(" OR ", t.include().stream().map(has).toList()) + ")");
    }
    t.exclude().forEach(term -> w.add("NOT (" + has.apply(term) + ")"));
    t.required().forEach(term -> w.add(has.apply(term)));
  }

  // ---- retention -------------------------------------------------------------------------

  static final String TRIM = """
      DELETE FROM event WHERE id IN (
        SELECT id FROM event WHERE occurred < $1 ORDER BY occurred LIMIT $2 FOR UPDATE SKIP LOCKED)""";

  /** Deletes up to {@code batch} events that occurred before {@code before}; completes with how many. */
  public static Future<Integer> trim(SqlClient c, Instant before, int batch) {
    return c.preparedQuery(TRIM).execute(Tuple.of(Rows.ts(before), batch)).map(RowSet::rowCount);
  }

}
