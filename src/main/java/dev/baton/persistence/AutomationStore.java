package dev.baton.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.domain.Automation;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Automations and their related resources (migration V14). Every write of an automation announces
 * it on {@value #CHANNEL} (payload: its id), on commit, so each instance's trigger service reloads it.
 */
public final class AutomationStore {
  private AutomationStore() {}

  /** Channel of automation changes. */
  public static final String CHANNEL = "baton_automations";

  static final String COLUMNS = "a.id, a.created, a.updated, a.name, a.description, a.enabled, a.tags::text AS tags, "
      + "a.trigger::text AS trigger, a.actions::text AS actions, a.actions_on_trigger::text AS actions_on_trigger, "
      + "a.actions_on_resolve::text AS actions_on_resolve";

  static Automation row(Row r) {
    List<String> tags = new ArrayList<>();
    JsonCodec.read(r.getString("tags")).forEach(t -> tags.add(t.asText()));
    return new Automation(r.getUUID("id"), Rows.instant(r, "created"), Rows.instant(r, "updated"),
        r.getString("name"), r.getString("description"), r.getBoolean("enabled"), List.copyOf(tags),
        (ObjectNode) JsonCodec.read(r.getString("trigger")), (ArrayNode) JsonCodec.read(r.getString("actions")),
        (ArrayNode) JsonCodec.read(r.getString("actions_on_trigger")),
        (ArrayNode) JsonCodec.read(r.getString("actions_on_resolve")));
  }

  static final String INSERT = """
      WITH a AS (
        INSERT INTO automation (id, name, description, enabled, tags, trigger, actions, actions_on_trigger,
                                actions_on_resolve, created, updated)
        VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7::text::jsonb, $8::text::jsonb,
                $9::text::jsonb, $10, $10)
        RETURNING *)
      """ + "SELECT " + COLUMNS + ", pg_notify('baton_automations', a.id::text)::text AS notified FROM a";

  /** Inserts an automation (created = updated = {@code now}). */
  public static Future<Automation> insert(SqlClient c, Automation a, Instant now) {
    return c.preparedQuery(INSERT).execute(Tuple.tuple(List.of(a.id(), a.name(), a.description(), a.enabled(),
            JsonCodec.writeStrings(a.tags()), JsonCodec.write(a.trigger()), JsonCodec.write(a.actions()),
            JsonCodec.write(a.actionsOnTrigger()), JsonCodec.write(a.actionsOnResolve()), Rows.ts(now))))
        .map(rows -> row(rows.iterator().next()));
  }

  static final String UPDATE = """
      WITH a AS (
        UPDATE automation SET name = $2, description = $3, enabled = $4, tags = $5::text::jsonb,
               trigger = $6::text::jsonb, actions = $7::text::jsonb, actions_on_trigger = $8::text::jsonb,
               actions_on_resolve = $9::text::jsonb, updated = $10
         WHERE id = $1
        RETURNING *)
      """ + "SELECT " + COLUMNS + ", pg_notify('baton_automations', a.id::text)::text AS notified FROM a";

  /** Replaces an automation's fields (not {@code id}/{@code created}); null when there is none. */
  public static Future<Automation> update(SqlClient c, Automation a, Instant now) {
    return c.preparedQuery(UPDATE).execute(Tuple.tuple(List.of(a.id(), a.name(), a.description(), a.enabled(),
            JsonCodec.writeStrings(a.tags()), JsonCodec.write(a.trigger()), JsonCodec.write(a.actions()),
            JsonCodec.write(a.actionsOnTrigger()), JsonCodec.write(a.actionsOnResolve()), Rows.ts(now))))
        .map(rows -> rows.size() == 0 ? null : row(rows.iterator().next()));
  }

  static final String GET = "SELECT " + COLUMNS + " FROM automation a WHERE a.id = $1";
  static final String LOCK = GET + " FOR UPDATE";

  public static Future<Automation> get(SqlClient c, UUID id) {
    return c.preparedQuery(GET).execute(Tuple.of(id)).map(FlowRepository.first(AutomationStore::row));
  }

  /** The automation, its row locked for this transaction; null when there is none. */
  public static Future<Automation> lock(SqlClient c, UUID id) {
    return c.preparedQuery(LOCK).execute(Tuple.of(id)).map(FlowRepository.first(AutomationStore::row));
  }

  static final String DELETE = """
      WITH a AS (DELETE FROM automation WHERE id = $1 RETURNING id)
      SELECT pg_notify('baton_automations', a.id::text)::text FROM a""";

  /** True when it existed. Its buckets, related rows, firings and pending actions go with it. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery(DELETE).execute(Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  static final String ENABLED = "SELECT " + COLUMNS + " FROM automation a WHERE a.enabled";

  /** Every enabled automation (what the trigger service evaluates). */
  public static Future<List<Automation>> enabled(SqlClient c) {
    return c.query(ENABLED).execute().map(AutomationStore::all);
  }

  static final String SNAPSHOT = "SELECT coalesce(max(updated)::text, '') || '/' || count(*) FROM automation";

  /** A value that changes whenever an automation is created, changed or deleted. */
  public static Future<String> snapshot(SqlClient c) {
    return c.query(SNAPSHOT).execute().map(rows -> rows.iterator().next().getString(0));
  }

  private static List<Automation> all(RowSet<Row> rows) {
    List<Automation> out = new ArrayList<>(rows.size());
    rows.forEach(r -> out.add(row(r)));
    return out;
  }

  /**
   * A page of automations: {@code where} is a SQL condition over {@code a} built by the caller
   * from its filter with {@code $n} placeholders bound by {@code params}; {@code order} one of the
   * sort clauses.
   */
  public static Future<List<Automation>> list(SqlClient c, String where, List<Object> params, String order, int limit,
      int offset) {
    String sql = "SELECT " + COLUMNS + " FROM automation a WHERE " + where + " ORDER BY " + order
        + " LIMIT " + limit + " OFFSET " + offset;
    return c.preparedQuery(sql).execute(Tuple.tuple(params)).map(AutomationStore::all);
  }

  static final String COUNT = "SELECT count(*) FROM automation";

  public static Future<Long> count(SqlClient c) {
    return c.query(COUNT).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  // related resources (ownership by a deployment, deployments an automation runs)

  static final String CLEAR_DEPLOYMENT_RELATIONS = """
      DELETE FROM automation_related_resource
       WHERE automation_id = $1 AND NOT automation_owned_by_resource AND resource_id LIKE 'prefect.deployment.%'""";

  static final String RELATE = """
      INSERT INTO automation_related_resource (automation_id, resource_id, automation_owned_by_resource)
      SELECT $1, r, $3 FROM unnest($2::text[]) r
      ON CONFLICT (automation_id, resource_id) DO UPDATE
         SET automation_owned_by_resource = automation_related_resource.automation_owned_by_resource
                                            OR excluded.automation_owned_by_resource""";

  /**
   * Replaces the automation's non-owned deployment relations by {@code deployments} and, when
   * {@code owner} is non-null, marks it owned by that resource.
   */
  public static Future<Void> relate(SqlClient c, UUID automation, List<String> deployments, String owner) {
    Future<?> cleared = c.preparedQuery(CLEAR_DEPLOYMENT_RELATIONS).execute(Tuple.of(automation));
    Future<?> related = deployments.isEmpty() ? Future.succeededFuture()
        : c.preparedQuery(RELATE).execute(Tuple.of(automation, deployments.toArray(new String[0]), false));
    Future<?> owned = owner == null ? Future.succeededFuture()
        : c.preparedQuery(RELATE).execute(Tuple.of(automation, new String[] {owner}, true));
    return Future.all(cleared, related, owned).mapEmpty();
  }

  static final String RELATED_TO = "SELECT " + COLUMNS + """
       FROM automation a
      WHERE EXISTS (SELECT 1 FROM automation_related_resource r WHERE r.automation_id = a.id AND r.resource_id = $1)
      ORDER BY a.name, a.id""";

  /** The automations related to (or owned by) {@code resourceId}. */
  public static Future<List<Automation>> relatedTo(SqlClient c, String resourceId) {
    return c.preparedQuery(RELATED_TO).execute(Tuple.of(resourceId)).map(AutomationStore::all);
  }

  static final String DELETE_OWNED_BY = """
      WITH d AS (
        DELETE FROM automation a
         USING automation_related_resource r
         WHERE r.automation_id = a.id AND r.resource_id = $1 AND r.automation_owned_by_resource AND a.created <= $2
        RETURNING a.id)
      SELECT pg_notify('baton_automations', d.id::text)::text FROM d""";

  /** Deletes the automations owned by {@code resourceId} created at or before {@code asOf}; how many. */
  public static Future<Integer> deleteOwnedBy(SqlClient c, String resourceId, Instant asOf) {
    return c.preparedQuery(DELETE_OWNED_BY).execute(Tuple.of(resourceId, Rows.ts(asOf))).map(RowSet::size);
  }

  // proactive schedule

  static final String SCHEDULE_PROACTIVE = """
      WITH gone AS (DELETE FROM automation_proactive WHERE automation_id = $1 AND NOT (trigger_id = ANY($2::uuid[])))
      INSERT INTO automation_proactive (automation_id, trigger_id, next_run)
      SELECT $1, t, now() FROM unnest($2::uuid[]) t
      ON CONFLICT (automation_id, trigger_id) DO UPDATE SET next_run = now()""";

  /** The automation's proactive triggers, due at once (its others forgotten). */
  public static Future<Void> scheduleProactive(SqlClient c, UUID automation, List<UUID> triggers) {
    return c.preparedQuery(SCHEDULE_PROACTIVE).execute(Tuple.of(automation, (Object) triggers.toArray(new UUID[0])))
        .mapEmpty();
  }

  static Instant instant(Row r, String col) {
    OffsetDateTime t = r.getOffsetDateTime(col);
    return t == null ? null : t.toInstant();
  }

  static JsonNode json(Row r, String col) {
    String s = r.getString(col);
    return s == null ? null : JsonCodec.read(s);
  }
}
