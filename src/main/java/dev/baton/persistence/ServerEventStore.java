package dev.baton.persistence;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Event;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Events the server emits itself, written in the transaction of the change they report, and the
 * notifications that carry every stored event to the {@code /api/events/out} subscribers of every
 * instance ({@code events.EventFeed}).
 *
 * <p>An event is announced on the {@value #CHANNEL} channel with {@code pg_notify} inside the
 * writing transaction, so it is delivered exactly when, and only if, that transaction commits, to
 * every Baton instance listening on the database. Payloads: {@code e:<id>} for a server event (every
 * instance, this one too, reads it back and publishes it), {@code r:<instance>:<id>,<id>,…} for
 * events the recorder stored (the recording instance has published them itself already).
 */
public final class ServerEventStore {
  private ServerEventStore() {}

  /** The notification channel. */
  public static final String CHANNEL = "baton_events";
  /**
   * The new events of a statement's {@code ins} CTE ({@code id, occurred, follows, event}) put in the
   * automations' inbox, in the same transaction — while at least one automation is enabled (none:
   * nothing written). Log events are never evaluated. Embedded in every event insert.
   */
  static final String INBOX = """
      INSERT INTO automation_inbox (event_id, occurred, follows)
      SELECT ins.id, ins.occurred, ins.follows FROM ins
       WHERE ins.event <> 'prefect.log.write' AND EXISTS (SELECT 1 FROM automation WHERE enabled)
      ON CONFLICT (event_id) DO NOTHING""";

  /** Prefix of a server event's notification. */
  public static final String SERVER_PREFIX = "e:";
  /** Prefix of a recorder batch's notification; the recording instance's id and ':' follow. */
  public static final String RECORDED_PREFIX = "r:";
  /** Ids per notification of a recorder batch (a payload is at most 8000 bytes). */
  static final int IDS_PER_NOTIFICATION = 200;

  /**
   * A flow run's state-change event as orchestration knows it: the state's id (also the event's),
   * when it occurred, its name ({@code prefect.flow-run.<state name>}), the resource labels that
   * come from the transition ({@code prefect.run-count}, {@code prefect.state-*}), the payload, and
   * the previous state's id when the two are close in time. The flow run's own name and its related
   * resources (flow, deployment, parent task run, tags, creator) are read by the insert itself.
   */
  public record FlowRunStateEvent(UUID id, UUID flowRunId, Instant occurred, String event, ObjectNode labels,
      ObjectNode payload, UUID follows) {}

  /**
   * One flow-run state event inserted and announced ({@link #CHANNEL}); the related resources are
   * built as Prefect builds them: flow, deployment, parent task run (each with its name), one
   * {@code prefect.tag.<t>} per tag of the flow run, flow, deployment and parent task run (sorted),
   * then the creator when the run was created by a deployment or an automation.
   */
  static final String INSERT_FLOW_RUN_STATE_EVENTS = """
      WITH ins AS (
        INSERT INTO event (id, occurred, event, resource_id, resource, related_resource_ids, related, payload,
                           received, follows)
        SELECT v.id, v.occurred, v.event, 'prefect.flow-run.' || fr.id::text,
               v.labels::jsonb || jsonb_build_object('prefect.resource.id', 'prefect.flow-run.' || fr.id::text,
                                                     'prefect.resource.name', fr.name),
               ARRAY(SELECT r ->> 'prefect.resource.id' FROM jsonb_array_elements(rel.related) r),
               rel.related, v.payload::jsonb, now(), v.follows
          FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::uuid[])
                 AS v(id, flow_run_id, occurred, event, labels, payload, follows)
          JOIN flow_run fr ON fr.id = v.flow_run_id
          CROSS JOIN LATERAL (
            SELECT coalesce(jsonb_agg(x.r ORDER BY x.ord, x.k COLLATE "C"), '[]'::jsonb) AS related FROM (
              SELECT 1 AS ord, ''::text AS k,
                     jsonb_build_object('prefect.resource.id', 'prefect.flow.' || f.id::text,
                                        'prefect.resource.role', 'flow', 'prefect.resource.name', f.name) AS r
                FROM flow f WHERE f.id = fr.flow_id
              UNION ALL
              SELECT 2, '', jsonb_build_object('prefect.resource.id', 'prefect.deployment.' || d.id::text,
                                               'prefect.resource.role', 'deployment', 'prefect.resource.name', d.name)
                FROM deployment d WHERE d.id = fr.deployment_id
              UNION ALL
              SELECT 5, '', jsonb_build_object('prefect.resource.id', 'prefect.task-run.' || t.id::text,
                                               'prefect.resource.role', 'task-run', 'prefect.resource.name', t.name)
                FROM task_run t WHERE t.id = fr.parent_task_run_id
              UNION ALL
              SELECT 6, tg.tag, jsonb_build_object('prefect.resource.id', 'prefect.tag.' || tg.tag,
                                                   'prefect.resource.role', 'tag')
                FROM (SELECT jsonb_array_elements_text(fr.tags) AS tag
                      UNION SELECT jsonb_array_elements_text(f2.tags) FROM flow f2 WHERE f2.id = fr.flow_id
                      UNION SELECT jsonb_array_elements_text(d2.tags) FROM deployment d2 WHERE d2.id = fr.deployment_id
                      UNION SELECT jsonb_array_elements_text(t2.tags) FROM task_run t2
                                WHERE t2.id = fr.parent_task_run_id) tg
              UNION ALL
              SELECT 7, '', jsonb_strip_nulls(jsonb_build_object(
                       'prefect.resource.id',
                       CASE fr.created_by ->> 'type' WHEN 'DEPLOYMENT' THEN 'prefect.deployment.'
                                                     ELSE 'prefect.automation.' END || (fr.created_by ->> 'id'),
                       'prefect.resource.role', 'creator',
                       'prefect.resource.name', nullif(fr.created_by ->> 'display_value', '')))
               WHERE fr.created_by ->> 'type' IN ('DEPLOYMENT', 'AUTOMATION')
            ) x) rel
        ON CONFLICT (id) DO NOTHING
        RETURNING id, occurred, follows, event),
      inboxed AS (""" + INBOX + """
        )
      SELECT count(*) FROM ins CROSS JOIN LATERAL (SELECT pg_notify('baton_events', 'e:' || ins.id::text)) n""";

  /** Inserts and announces flow-run state events, in the caller's transaction. */
  public static Future<Void> insertFlowRunStateEvents(SqlClient c, List<FlowRunStateEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = events.size();
    UUID[] id = new UUID[n];
    UUID[] run = new UUID[n];
    java.time.OffsetDateTime[] occurred = new java.time.OffsetDateTime[n];
    String[] name = new String[n];
    String[] labels = new String[n];
    String[] payload = new String[n];
    UUID[] follows = new UUID[n];
    for (int i = 0; i < n; i++) {
      FlowRunStateEvent e = events.get(i);
      id[i] = e.id();
      run[i] = e.flowRunId();
      occurred[i] = Rows.ts(e.occurred());
      name[i] = e.event();
      labels[i] = JsonCodec.write(e.labels());
      payload[i] = JsonCodec.write(e.payload());
      follows[i] = e.follows();
    }
    return c.preparedQuery(INSERT_FLOW_RUN_STATE_EVENTS)
        .execute(Tuple.of(id, run, occurred, name, labels, payload, follows)).mapEmpty();
  }

  static final String INSERT_EVENTS = """
      WITH ins AS (
        INSERT INTO event (id, occurred, event, resource_id, resource, related_resource_ids, related, payload,
                           received, follows)
        SELECT v.id, v.occurred, v.event, v.resource::jsonb ->> 'prefect.resource.id', v.resource::jsonb,
               ARRAY(SELECT r ->> 'prefect.resource.id' FROM jsonb_array_elements(v.related::jsonb) r),
               v.related::jsonb, v.payload::jsonb, now(), v.follows
          FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[])
            AS v(id, occurred, event, resource, related, payload, follows)
        ON CONFLICT (id) DO NOTHING
        RETURNING id, occurred, follows, event),
      inboxed AS (""" + INBOX + """
        )
      SELECT count(*) FROM ins CROSS JOIN LATERAL (SELECT pg_notify('baton_events', 'e:' || ins.id::text)) n""";

  /**
   * Inserts events the server emits (automation, deployment, work-pool … events), announced and put
   * in the automations' inbox as every event is, in the caller's transaction. {@code received} is
   * ignored (the insert's own time is used).
   */
  public static Future<Void> insertEvents(SqlClient c, List<Event> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = events.size();
    UUID[] id = new UUID[n];
    java.time.OffsetDateTime[] occurred = new java.time.OffsetDateTime[n];
    String[] name = new String[n];
    String[] resource = new String[n];
    String[] related = new String[n];
    String[] payload = new String[n];
    UUID[] follows = new UUID[n];
    for (int i = 0; i < n; i++) {
      Event e = events.get(i);
      id[i] = e.id();
      occurred[i] = Rows.ts(e.occurred());
      name[i] = e.event();
      resource[i] = JsonCodec.write(e.resource());
      related[i] = JsonCodec.write(e.related());
      payload[i] = JsonCodec.write(e.payload());
      follows[i] = e.follows();
    }
    return c.preparedQuery(INSERT_EVENTS).execute(Tuple.of(id, occurred, name, resource, related, payload, follows))
        .mapEmpty();
  }

  static final String BY_IDS = "SELECT " + EventStore.EVENT_COLUMNS + " FROM event e WHERE e.id = ANY($1::uuid[])";

  /** The stored events of {@code ids}, in the order given (ids of events since trimmed are skipped). */
  public static Future<List<Event>> byIds(SqlClient c, List<UUID> ids) {
    return c.preparedQuery(BY_IDS).execute(Tuple.of((Object) ids.toArray(new UUID[0]))).map(rows -> {
      Map<UUID, Event> found = new HashMap<>();
      for (Row r : rows) {
        Event e = EventStore.event(r);
        found.put(e.id(), e);
      }
      List<Event> out = new ArrayList<>(found.size());
      for (UUID id : ids) {
        Event e = found.get(id);
        if (e != null) {
          out.add(e);
        }
      }
      return out;
    });
  }
}
