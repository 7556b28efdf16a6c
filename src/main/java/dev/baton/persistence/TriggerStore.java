package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.domain.Event;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The state of automations' triggers (migration V14): the inbox of events not yet evaluated, the
 * windows ("buckets") of event triggers, composite triggers' child firings, the proactive schedule,
 * and the queue of actions to run. Statements for one evaluation transaction: the caller claims
 * inbox rows, locks the triggers it touches ({@link #lockTriggers}, in a fixed order), reads and
 * writes their buckets, queues actions and deletes the evaluated inbox rows, then commits.
 */
public final class TriggerStore {
  private TriggerStore() {}

  /** Channel of queued actions (payload: the automation id). */
  public static final String ACTIONS_CHANNEL = "baton_automation_actions";

  /**
   * A bucket row. Its last event is kept by id (the event itself is in the event table), so a
   * window's write is a few dozen bytes whatever the event's size.
   */
  public record BucketRow(UUID automationId, UUID triggerId, String key, Instant start, Instant end, int count,
      UUID lastEventId) {}

  static final String CLAIM_INBOX = """
      SELECT i.event_id FROM automation_inbox i
       WHERE i.follows IS NULL OR i.follows = i.event_id OR i.received < now() - interval '15 minutes'
          OR NOT EXISTS (SELECT 1 FROM automation_inbox l WHERE l.event_id = i.follows)
       ORDER BY i.occurred, i.event_id
       LIMIT $1
       FOR UPDATE SKIP LOCKED""";

  static final String CLAIM_EVENTS = """
      WITH claimed AS (""" + CLAIM_INBOX + """
      ),
      gone AS (DELETE FROM automation_inbox d USING claimed WHERE d.event_id = claimed.event_id)
      SELECT claimed.event_id AS claimed_id, """ + EventStore.EVENT_COLUMNS
      + " FROM claimed LEFT JOIN event e ON e.id = claimed.event_id";

  /** Events claimed from the inbox: how many rows were claimed, and the events still stored among them. */
  public record Claimed(int claimed, List<Event> events) {}

  /**
   * Claims up to {@code limit} events for evaluation in one statement: inbox rows taken oldest
   * first (rows other instances hold are skipped), removed, and their events returned — the removal
   * is undone if the transaction rolls back. An event whose predecessor ({@code follows}) is still
   * waiting is left for later (for at most 15 minutes), so a follower is evaluated after its leader.
   */
  public static Future<Claimed> claimEvents(SqlClient c, int limit) {
    return c.preparedQuery(CLAIM_EVENTS).execute(Tuple.of(limit)).map(rows -> {
      List<Event> events = new ArrayList<>(rows.size());
      for (Row r : rows) {
        if (r.getUUID("id") != null) {
          events.add(EventStore.event(r));
        }
      }
      return new Claimed(rows.size(), events);
    });
  }

  static final String INBOX_HORIZON = "SELECT least(now(), (SELECT min(occurred) FROM automation_inbox))";

  /**
   * "Now" as far as evaluation has come: the wall clock, or the time of the oldest event not yet
   * evaluated when that is earlier — so a backlog never reads as an absence of events.
   */
  public static Future<Instant> asOf(SqlClient c) {
    return c.query(INBOX_HORIZON).execute().map(rows -> rows.iterator().next().getOffsetDateTime(0).toInstant());
  }

  static final String LOCK_TRIGGERS = """
      SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT DISTINCT unnest($1::bigint[]) AS k ORDER BY 1) t""";

  /**
   * Locks triggers for this transaction (advisory locks on {@code keys}, one per trigger, taken in
   * ascending order so that two evaluations never wait on each other in a cycle).
   */
  public static Future<Void> lockTriggers(SqlClient c, List<Long> keys) {
    return keys.isEmpty() ? Future.succeededFuture()
        : c.preparedQuery(LOCK_TRIGGERS).execute(Tuple.of((Object) keys.toArray(new Long[0]))).mapEmpty();
  }

  static final String BUCKET_COLUMNS = "automation_id, trigger_id, bucketing_key, start, \"end\", count, "
      + "last_event_id";

  static final String BUCKETS_OF = "SELECT " + BUCKET_COLUMNS
      + " FROM automation_bucket WHERE (automation_id, trigger_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))";

  /** Every bucket of the given triggers (index-aligned automation and trigger ids). */
  public static Future<List<BucketRow>> buckets(SqlClient c, List<UUID> automations, List<UUID> triggers) {
    return c.preparedQuery(BUCKETS_OF)
        .execute(Tuple.of(automations.toArray(new UUID[0]), (Object) triggers.toArray(new UUID[0])))
        .map(rows -> {
          List<BucketRow> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(bucket(r)));
          return out;
        });
  }

  static final String DELETE_SATISFIED = """
      DELETE FROM automation_bucket WHERE automation_id = $1 AND trigger_id = $2 AND count >= $3""";

  static final String ENDED_BUCKETS = "SELECT " + BUCKET_COLUMNS
      + " FROM automation_bucket WHERE automation_id = $1 AND trigger_id = $2 AND \"end\" <= $3 ORDER BY start";

  static final String NEXT_END = """
      SELECT min("end") FROM automation_bucket WHERE automation_id = $1 AND trigger_id = $2 AND "end" > $3""";

  /** A proactive trigger's windows that matter at {@code asOf}: those ended, and the next end of the others. */
  public record Ended(List<BucketRow> ended, Instant nextEnd) {}

  /**
   * For a proactive trigger with for_each (its caller holds the trigger's lock): deletes its
   * satisfied windows (count at the threshold), returns the windows ended by {@code asOf} and the
   * earliest end of the rest — three statements pipelined in one round trip, the open windows
   * never leaving the database.
   */
  public static Future<Ended> endedBuckets(SqlClient c, UUID automation, UUID trigger, int threshold, Instant asOf) {
    OffsetDateTime at = Rows.ts(asOf);
    Future<?> deleted = c.preparedQuery(DELETE_SATISFIED).execute(Tuple.of(automation, trigger, threshold));
    Future<List<BucketRow>> ended = c.preparedQuery(ENDED_BUCKETS).execute(Tuple.of(automation, trigger, at))
        .map(rows -> {
          List<BucketRow> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(bucket(r)));
          return out;
        });
    Future<Instant> next = c.preparedQuery(NEXT_END).execute(Tuple.of(automation, trigger, at)).map(rows -> {
      OffsetDateTime t = rows.iterator().next().getOffsetDateTime(0);
      return t == null ? null : t.toInstant();
    });
    return Future.all(deleted, ended, next).map(x -> new Ended(ended.result(), next.result()));
  }

  static final String BUCKETS_BY_KEY = "SELECT " + BUCKET_COLUMNS + """
       FROM automation_bucket
      WHERE (automation_id, trigger_id, bucketing_key) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]))""";

  /** The buckets of the given (automation, trigger, key) triples, index-aligned; missing ones absent. */
  public static Future<List<BucketRow>> bucketsByKey(SqlClient c, List<UUID> automations, List<UUID> triggers,
      List<String> keys) {
    return c.preparedQuery(BUCKETS_BY_KEY)
        .execute(Tuple.of(automations.toArray(new UUID[0]), triggers.toArray(new UUID[0]), keys.toArray(new String[0])))
        .map(rows -> {
          List<BucketRow> out = new ArrayList<>(rows.size());
          rows.forEach(r -> out.add(bucket(r)));
          return out;
        });
  }

  private static BucketRow bucket(Row r) {
    return new BucketRow(r.getUUID("automation_id"), r.getUUID("trigger_id"), r.getString("bucketing_key"),
        r.getOffsetDateTime("start").toInstant(), r.getOffsetDateTime("end").toInstant(), r.getInteger("count"),
        r.getUUID("last_event_id"));
  }

  static final String UPSERT_BUCKETS = """
      INSERT INTO automation_bucket AS b (automation_id, trigger_id, bucketing_key, start, "end", count, last_event_id)
      SELECT v.a, v.t, v.k, v.s, v.e, v.c, v.l
        FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::uuid[])
          AS v(a, t, k, s, e, c, l)
      ON CONFLICT (automation_id, trigger_id, bucketing_key) DO UPDATE
         SET start = excluded.start, "end" = excluded."end", count = excluded.count, last_event_id = excluded.last_event_id,
             updated = now()""";

  /** Writes buckets as they now are (the caller holds their triggers' locks). */
  public static Future<Void> writeBuckets(SqlClient c, List<BucketRow> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = rows.size();
    UUID[] a = new UUID[n];
    UUID[] t = new UUID[n];
    String[] k = new String[n];
    OffsetDateTime[] s = new OffsetDateTime[n];
    OffsetDateTime[] e = new OffsetDateTime[n];
    Integer[] cnt = new Integer[n];
    UUID[] l = new UUID[n];
    for (int i = 0; i < n; i++) {
      BucketRow b = rows.get(i);
      a[i] = b.automationId();
      t[i] = b.triggerId();
      k[i] = b.key();
      s[i] = Rows.ts(b.start());
      e[i] = Rows.ts(b.end());
      cnt[i] = b.count();
      l[i] = b.lastEventId();
    }
    return c.preparedQuery(UPSERT_BUCKETS).execute(Tuple.of(a, t, k, s, e, cnt, l)).mapEmpty();
  }

  static final String DELETE_BUCKETS = """
      DELETE FROM automation_bucket b
       USING unnest($1::uuid[], $2::uuid[], $3::text[]) AS v(a, t, k)
       WHERE b.automation_id = v.a AND b.trigger_id = v.t AND b.bucketing_key = v.k""";

  /** Deletes buckets by (automation, trigger, key), index-aligned. */
  public static Future<Void> deleteBuckets(SqlClient c, List<UUID> automations, List<UUID> triggers,
      List<String> keys) {
    return keys.isEmpty() ? Future.succeededFuture()
        : c.preparedQuery(DELETE_BUCKETS).execute(Tuple.of(automations.toArray(new UUID[0]),
            triggers.toArray(new UUID[0]), keys.toArray(new String[0]))).mapEmpty();
  }

  static final String SWEEP = """
      DELETE FROM automation_bucket WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM automation_bucket WHERE "end" <= $1 LIMIT 1000 FOR UPDATE SKIP LOCKED))""";

  /** Deletes windows that ended before {@code before} (at most 1,000 a call); how many. */
  public static Future<Integer> sweep(SqlClient c, Instant before) {
    return c.preparedQuery(SWEEP).execute(Tuple.of(Rows.ts(before))).map(rows -> rows.rowCount());
  }

  // composite triggers

  /** A stored child firing. */
  public record ChildFiring(UUID childTriggerId, UUID firingId, Instant firedAt, JsonNode firing) {}

  static final String CLEAR_OLD_CHILD_FIRINGS = """
      DELETE FROM composite_trigger_child_firing
       WHERE automation_id = $1 AND parent_trigger_id = $2 AND child_fired_at < $3""";

  static final String UPSERT_CHILD_FIRING = """
      INSERT INTO composite_trigger_child_firing AS f (automation_id, parent_trigger_id, child_trigger_id,
                                                      child_firing_id, child_fired_at, child_firing)
      VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)
      ON CONFLICT (automation_id, parent_trigger_id, child_trigger_id) DO UPDATE
         SET child_firing_id = excluded.child_firing_id, child_fired_at = excluded.child_fired_at,
             child_firing = excluded.child_firing""";

  static final String CHILD_FIRINGS = """
      SELECT child_trigger_id, child_firing_id, child_fired_at, child_firing::text AS child_firing
        FROM composite_trigger_child_firing WHERE automation_id = $1 AND parent_trigger_id = $2""";

  /**
   * Records a child's firing for its composite parent (replacing the child's previous one), after
   * dropping firings older than {@code horizon} (null: none dropped); returns the parent's firings.
   * The caller holds the automation's trigger lock.
   */
  public static Future<List<ChildFiring>> recordChildFiring(SqlClient c, UUID automation, UUID parent,
      ChildFiring firing, Instant horizon) {
    Future<?> cleared = horizon == null ? Future.succeededFuture()
        : c.preparedQuery(CLEAR_OLD_CHILD_FIRINGS).execute(Tuple.of(automation, parent, Rows.ts(horizon)));
    Future<?> upserted = c.preparedQuery(UPSERT_CHILD_FIRING).execute(Tuple.of(automation, parent,
        firing.childTriggerId(), firing.firingId(), Rows.ts(firing.firedAt()), JsonCodec.write(firing.firing())));
    Future<List<ChildFiring>> read = c.preparedQuery(CHILD_FIRINGS).execute(Tuple.of(automation, parent)).map(rows -> {
      List<ChildFiring> out = new ArrayList<>();
      rows.forEach(r -> out.add(new ChildFiring(r.getUUID(0), r.getUUID(1), r.getOffsetDateTime(2).toInstant(),
          JsonCodec.read(r.getString(3)))));
      return out;
    });
    return Future.all(cleared, upserted, read).map(x -> read.result());
  }

  static final String CLEAR_CHILD_FIRINGS = """
      DELETE FROM composite_trigger_child_firing
       WHERE automation_id = $1 AND parent_trigger_id = $2 AND child_firing_id = ANY($3::uuid[])""";

  /** Deletes the parent's child firings of {@code ids}; how many were deleted. */
  public static Future<Integer> clearChildFirings(SqlClient c, UUID automation, UUID parent, List<UUID> ids) {
    return c.preparedQuery(CLEAR_CHILD_FIRINGS).execute(Tuple.of(automation, parent, ids.toArray(new UUID[0])))
        .map(rows -> rows.rowCount());
  }

  // proactive schedule

  /** A proactive trigger due for evaluation. */
  public record Due(UUID automationId, UUID triggerId) {}

  static final String CLAIM_DUE = """
      SELECT automation_id, trigger_id FROM automation_proactive
       WHERE next_run <= now() ORDER BY next_run LIMIT $1 FOR UPDATE SKIP LOCKED""";

  /** Claims proactive triggers that are due (locked for this transaction, skipped by other instances). */
  public static Future<List<Due>> claimDue(SqlClient c, int limit) {
    return c.preparedQuery(CLAIM_DUE).execute(Tuple.of(limit)).map(rows -> {
      List<Due> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Due(r.getUUID(0), r.getUUID(1))));
      return out;
    });
  }

  static final String RESCHEDULE = """
      UPDATE automation_proactive SET next_run = $3 WHERE automation_id = $1 AND trigger_id = $2""";

  public static Future<Void> reschedule(SqlClient c, UUID automation, UUID trigger, Instant next) {
    return c.preparedQuery(RESCHEDULE).execute(Tuple.of(automation, trigger, Rows.ts(next))).mapEmpty();
  }

  // actions

  /** A queued action. */
  public record QueuedAction(UUID id, UUID automationId, int index, JsonNode triggeredAction, int attempts) {}

  static final String QUEUE_ACTIONS = """
      WITH q AS (
        INSERT INTO automation_action (id, automation_id, action_index, triggered_action)
        SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::int[], $4::text[]::jsonb[])
        ON CONFLICT (id) DO NOTHING
        RETURNING automation_id)
      SELECT count(*) FROM (SELECT DISTINCT automation_id FROM q) a
       CROSS JOIN LATERAL (SELECT pg_notify('baton_automation_actions', a.automation_id::text)) n""";

  /** Queues actions in the caller's transaction, announced on {@link #ACTIONS_CHANNEL} when it commits. */
  public static Future<Void> queueActions(SqlClient c, List<QueuedAction> actions) {
    if (actions.isEmpty()) {
      return Future.succeededFuture();
    }
    int n = actions.size();
    UUID[] id = new UUID[n];
    UUID[] a = new UUID[n];
    Integer[] idx = new Integer[n];
    String[] ta = new String[n];
    for (int i = 0; i < n; i++) {
      QueuedAction q = actions.get(i);
      id[i] = q.id();
      a[i] = q.automationId();
      idx[i] = q.index();
      ta[i] = JsonCodec.write(q.triggeredAction());
    }
    return c.preparedQuery(QUEUE_ACTIONS).execute(Tuple.of(id, a, idx, ta)).mapEmpty();
  }

  static final String CLAIM_ACTIONS = """
      UPDATE automation_action a SET claimed_until = now() + $2 * interval '1 second', attempts = a.attempts + 1
        FROM (SELECT id FROM automation_action
               WHERE claimed_until IS NULL OR claimed_until < now()
               ORDER BY created LIMIT $1 FOR UPDATE SKIP LOCKED) c
       WHERE a.id = c.id
      RETURNING a.id, a.automation_id, a.action_index, a.triggered_action::text AS ta, a.attempts""";

  /**
   * Claims actions to run for {@code leaseSeconds} (committed at once: another instance takes an
   * action over only when its lease has passed — the instance that claimed it died).
   */
  public static Future<List<QueuedAction>> claimActions(SqlClient c, int limit, int leaseSeconds) {
    return c.preparedQuery(CLAIM_ACTIONS).execute(Tuple.of(limit, leaseSeconds)).map(rows -> {
      List<QueuedAction> out = new ArrayList<>();
      rows.forEach(r -> out.add(new QueuedAction(r.getUUID(0), r.getUUID(1), r.getInteger(2),
          JsonCodec.read(r.getString(3)), r.getInteger(4))));
      return out;
    });
  }

  static final String DONE_ACTION = "DELETE FROM automation_action WHERE id = $1";

  /** The action ran (or will not run again): removed from the queue. */
  public static Future<Void> actionDone(SqlClient c, UUID id) {
    return c.preparedQuery(DONE_ACTION).execute(Tuple.of(id)).mapEmpty();
  }
}
