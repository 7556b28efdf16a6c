package dev.baton.persistence;

import dev.baton.domain.ConcurrencyLimitV2;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Limits, slots and leases in PostgreSQL (spec/concurrency.md §1). Every method runs on the caller's
 * connection, inside the caller's transaction; the slot change of a state transition is written in
 * the transition's transaction.
 *
 * <p>Locking order, everywhere: run row → lease rows → legacy rows → v2 limit rows in id order.
 * Methods that update limits lock them in id order first (pipelined: no extra round trip), so a
 * multi-row update never deadlocks with another one.
 *
 * <p>Reads return plain rows ({@link LeaseRow}, {@link LegacyRow}, {@link ConcurrencyLimitV2},
 * {@link FactRows}); orchestration turns them into the engine's facts.
 */
public final class ConcurrencyStore {
  private ConcurrencyStore() {}

  /** A lease row; {@code expiresAt} is {@link Instant#MAX} for a lease that never expires. */
  public record LeaseRow(UUID id, List<UUID> resourceIds, int slots, Instant created, Instant expiresAt,
      String holderType, UUID holderId) {}

  /**
   * A flow run's deployment as its concurrency facts need it: the linked limit (null when none, or
   * not read), {@code cancelNew} ({@code collision_strategy == CANCEL_NEW}) and
   * {@code grace_period_seconds} (null when not set).
   */
  public record DeploymentRow(UUID id, ConcurrencyLimitV2 limit, boolean cancelNew, Integer gracePeriodSeconds) {}

  /**
   * The concurrency rows of one proposal: tag limits (task runs, only when asked for), legacy v1
   * rows (task runs), the leases involved, and the deployment (flow runs, when asked for and present).
   */
  public record FactRows(List<ConcurrencyLimitV2> tagLimits, List<LegacyRow> legacyLimits, List<LeaseRow> leases,
      DeploymentRow deployment) {}

  // ---------------------------------------------------------------------------------------------
  // derived values (spec §1.1), computed at the moment of use

  /** Seconds since the row's last update. */
  private static String age(String a) {
    return "extract(epoch FROM clock_timestamp() - " + a + ".updated)";
  }

  /** {@code max(0, active_slots − floor(decay × age))}. */
  static String effActive(String a) {
    return "greatest(0, " + a + ".active_slots - least(" + a + ".active_slots::float8, floor(" + a
        + ".slot_decay_per_second * " + age(a) + "))::int)";
  }

  /** {@code max(0, denied − floor(rate × age))}, rate = decay, or 1/clamp(avg occupancy, 0.1, W). */
  static String effDenied(String a) {
    String rate = "(CASE WHEN " + a + ".slot_decay_per_second > 0 THEN " + a + ".slot_decay_per_second"
        + " ELSE 1.0 / greatest(0.1, least(" + a + ".avg_slot_occupancy_seconds, CASE WHEN " + a
        + ".name LIKE 'tag:%' THEN 10 ELSE 30 END)) END)";
    return "greatest(0, " + a + ".denied_slots - least(" + a + ".denied_slots::float8, floor(" + rate + " * "
        + age(a) + "))::int)";
  }

  /**
   * The limit columns of the table aliased {@code a} (effective counters computed): the one
   * definition of {@link #limitColumns} and of the {@code LIMIT_*} indexes {@link #limitRow} decodes.
   */
  private static SelectList limitList(String a) {
    SelectList l = new SelectList();
    l.add(a + ".id");
    l.add(a + ".created");
    l.add(a + ".updated");
    l.add(a + ".active");
    l.add(a + ".name");
    l.add(a + ".\"limit\"");
    l.add(effActive(a) + " AS eff_active");
    l.add(effDenied(a) + " AS eff_denied");
    l.add(a + ".slot_decay_per_second");
    l.add(a + ".avg_slot_occupancy_seconds");
    return l;
  }

  static String limitColumns(String a) {
    return limitList(a).sql();
  }

  static final SelectList LIMIT = limitList("c");
  static final String LIMIT_COLUMNS = LIMIT.sql();

  // LIMIT_<NAME> is the index of the column named <name>
  static final int LIMIT_ID = LIMIT.names().indexOf("id");
  static final int LIMIT_CREATED = LIMIT.names().indexOf("created");
  static final int LIMIT_UPDATED = LIMIT.names().indexOf("updated");
  static final int LIMIT_ACTIVE = LIMIT.names().indexOf("active");
  static final int LIMIT_NAME = LIMIT.names().indexOf("name");
  static final int LIMIT_LIMIT = LIMIT.names().indexOf("limit");
  static final int LIMIT_EFF_ACTIVE = LIMIT.names().indexOf("eff_active");
  static final int LIMIT_EFF_DENIED = LIMIT.names().indexOf("eff_denied");
  static final int LIMIT_SLOT_DECAY_PER_SECOND = LIMIT.names().indexOf("slot_decay_per_second");
  static final int LIMIT_AVG_SLOT_OCCUPANCY_SECONDS = LIMIT.names().indexOf("avg_slot_occupancy_seconds");

  /** A row of {@link #LIMIT_COLUMNS} (any statement selecting or returning exactly that list). */
  static ConcurrencyLimitV2 limitRow(Row r) {
    return new ConcurrencyLimitV2(r.getUUID(LIMIT_ID), Rows.instant(r, LIMIT_CREATED), Rows.instant(r, LIMIT_UPDATED),
        r.getBoolean(LIMIT_ACTIVE), r.getString(LIMIT_NAME), r.getInteger(LIMIT_LIMIT), r.getInteger(LIMIT_EFF_ACTIVE),
        r.getInteger(LIMIT_EFF_DENIED), r.getDouble(LIMIT_SLOT_DECAY_PER_SECOND),
        r.getDouble(LIMIT_AVG_SLOT_OCCUPANCY_SECONDS));
  }

  static final SelectList LEASE = new SelectList();

  // LEASE_<NAME> is the index of the column named <name>
  static final int LEASE_ID = LEASE.add("l.id");
  static final int LEASE_RESOURCE_IDS = LEASE.add("l.resource_ids");
  static final int LEASE_SLOTS = LEASE.add("l.slots");
  static final int LEASE_CREATED = LEASE.add("l.created");
  static final int LEASE_EXPIRES_AT = LEASE.add("CASE WHEN isfinite(l.expires_at) THEN l.expires_at END AS expires_at");
  static final int LEASE_HOLDER_TYPE = LEASE.add("l.holder_type");
  static final int LEASE_HOLDER_ID = LEASE.add("l.holder_id");

  /** {@code expires_at} is null for a lease that never expires ('infinity' does not decode). */
  static final String LEASE_COLUMNS = LEASE.sql();

  /** A row of {@link #LEASE_COLUMNS}. */
  static LeaseRow leaseRow(Row r) {
    UUID[] res = r.getArrayOfUUIDs(LEASE_RESOURCE_IDS);
    return new LeaseRow(r.getUUID(LEASE_ID), res == null ? List.of() : List.of(res), r.getInteger(LEASE_SLOTS),
        Rows.instant(r, LEASE_CREATED), expiry(r), r.getString(LEASE_HOLDER_TYPE), r.getUUID(LEASE_HOLDER_ID));
  }

  /** A never-expiring lease ({@code expires_at} null in the select) is {@link Instant#MAX}. */
  private static Instant expiry(Row r) {
    Instant t = Rows.instant(r, LEASE_EXPIRES_AT);
    return t == null ? Instant.MAX : t;
  }

  static final SelectList LEGACY = new SelectList();

  // LEGACY_<NAME> is the index of the column named <name>
  static final int LEGACY_ID = LEGACY.add("v.id");
  static final int LEGACY_CREATED = LEGACY.add("v.created");
  static final int LEGACY_UPDATED = LEGACY.add("v.updated");
  static final int LEGACY_TAG = LEGACY.add("v.tag");
  static final int LEGACY_CONCURRENCY_LIMIT = LEGACY.add("v.concurrency_limit");
  static final int LEGACY_ACTIVE_SLOTS = LEGACY.add("v.active_slots");

  static final String LEGACY_COLUMNS = LEGACY.sql();

  private static <T> List<T> all(RowSet<Row> rows, java.util.function.Function<Row, T> f) {
    List<T> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      out.add(f.apply(r));
    }
    return out;
  }

  static UUID[] arr(List<UUID> ids) {
    return ids.toArray(new UUID[0]);
  }

  // ---------------------------------------------------------------------------------------------
  // orchestration facts (issued right after the run lock, on the same connection: pipelined)

  static final String TASK_LEASES_READ = "SELECT " + LEASE_COLUMNS
      + " FROM concurrency_lease l WHERE l.holder_id = $1 ORDER BY l.id";

  static final String TASK_LEASES = TASK_LEASES_READ + " FOR UPDATE";

  static final String TASK_TAG_NAMES =
      "SELECT 'tag:' || t FROM task_run tr, jsonb_array_elements_text(tr.tags) t WHERE tr.id = $1";

  static final String TASK_LEGACY_READ = "SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v"
      + " WHERE v.tag IN (SELECT t FROM task_run tr, jsonb_array_elements_text(tr.tags) t WHERE tr.id = $1)"
      + " OR $1 = ANY (v.active_slots) ORDER BY v.tag";

  static final String TASK_LEGACY = TASK_LEGACY_READ + " FOR UPDATE";

  /** Tag limits (when {@code $2}) and every limit of the run's leases, in id order (unlocked). */
  static final String TASK_LIMITS_READ = "SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c"
      + " WHERE ($2 AND c.name IN (" + TASK_TAG_NAMES + "))"
      + " OR c.id IN (SELECT unnest(l.resource_ids) FROM concurrency_lease l WHERE l.holder_id = $1)"
      + " ORDER BY c.id";

  /** As {@link #TASK_LIMITS_READ}, locked in id order. */
  static final String TASK_LIMITS = TASK_LIMITS_READ + " FOR UPDATE";

  /**
   * A task run's concurrency facts: its leases, legacy rows of its tags, and — when
   * {@code tagLimits} — its tag limits; every limit of its leases is locked too. Issue right after
   * the run-lock statement.
   */
  public static Future<FactRows> loadTaskFacts(SqlConnection c, UUID runId, boolean tagLimits) {
    return loadTaskFacts(c, runId, tagLimits, true);
  }

  /**
   * A task run's concurrency facts as committed at this moment, nothing locked (the rows another
   * transaction holds are read as they were): enough to find that a proposal would WAIT.
   */
  public static Future<FactRows> readTaskFacts(SqlConnection c, UUID runId, boolean tagLimits) {
    return loadTaskFacts(c, runId, tagLimits, false, false);
  }

  /**
   * As above; with {@code lockLimits} false the limit rows are read without a lock (the run's
   * leases and legacy rows are still locked). A decision that takes no slot may rest on such a
   * read — it sees the limits as committed at that moment, as a proposal sent a moment earlier
   * would — but one that takes a slot must load them again locked and decide again.
   */
  public static Future<FactRows> loadTaskFacts(SqlConnection c, UUID runId, boolean tagLimits,
      boolean lockLimits) {
    return loadTaskFacts(c, runId, tagLimits, lockLimits, true);
  }

  private static Future<FactRows> loadTaskFacts(SqlConnection c, UUID runId, boolean tagLimits,
      boolean lockLimits, boolean lockOwn) {
    Future<RowSet<Row>> leases = c.preparedQuery(lockOwn ? TASK_LEASES : TASK_LEASES_READ).execute(Tuple.of(runId));
    Future<RowSet<Row>> legacy = c.preparedQuery(lockOwn ? TASK_LEGACY : TASK_LEGACY_READ).execute(Tuple.of(runId));
    Future<RowSet<Row>> limits = c.preparedQuery(lockLimits ? TASK_LIMITS : TASK_LIMITS_READ)
        .execute(Tuple.of(runId, tagLimits));
    return Future.all(leases, legacy, limits).map(all -> {
      List<ConcurrencyLimitV2> tag = new ArrayList<>();
      for (Row r : limits.result()) {
        ConcurrencyLimitV2 l = limitRow(r);
        if (tagLimits && l.name().startsWith("tag:")) {
          tag.add(l);
        }
      }
      return new FactRows(tag, all(legacy.result(), ConcurrencyStore::legacy),
          all(leases.result(), ConcurrencyStore::leaseRow), null);
    });
  }

  /** The lease id named by the flow run's current state, or null. */
  static final String FLOW_STATE_LEASE = "(SELECT (s.state_details ->> 'deployment_concurrency_lease_id')::uuid"
      + " FROM flow_run fr JOIN flow_run_state s ON s.id = fr.state_id WHERE fr.id = $1)";

  static final String FLOW_LEASES = "SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l"
      + " WHERE l.holder_id = $1 OR l.id = " + FLOW_STATE_LEASE + " ORDER BY l.id FOR UPDATE";

  static final SelectList DEPLOYMENT = new SelectList();

  // DEPLOYMENT_<NAME> is the index of the column named <name>
  static final int DEPLOYMENT_ID = DEPLOYMENT.add("d.id");
  static final int DEPLOYMENT_CONCURRENCY_LIMIT_ID = DEPLOYMENT.add("d.concurrency_limit_id");
  static final int DEPLOYMENT_OPTIONS = DEPLOYMENT.add("d.concurrency_options::text AS options");
  static final int DEPLOYMENT_DEPLOYMENT_ID = DEPLOYMENT.add("fr.deployment_id");

  static final String FLOW_DEPLOYMENT = "SELECT " + DEPLOYMENT.sql()
      + " FROM flow_run fr LEFT JOIN deployment d ON d.id = fr.deployment_id WHERE fr.id = $1";

  static final String FLOW_LIMITS = "SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c"
      + " WHERE ($2 AND c.id = (SELECT d.concurrency_limit_id FROM flow_run fr JOIN deployment d"
      + "   ON d.id = fr.deployment_id WHERE fr.id = $1))"
      + " OR c.id IN (SELECT unnest(l.resource_ids) FROM concurrency_lease l"
      + "   WHERE l.holder_id = $1 OR l.id = " + FLOW_STATE_LEASE + ")"
      + " ORDER BY c.id FOR UPDATE";

  /**
   * A flow run's concurrency facts: its leases (and the current state's lease), and — when
   * {@code deployment} — its deployment with the linked limit; all limits involved are locked.
   */
  public static Future<FactRows> loadFlowFacts(SqlConnection c, UUID runId, boolean deployment) {
    Future<RowSet<Row>> leases = c.preparedQuery(FLOW_LEASES).execute(Tuple.of(runId));
    Future<RowSet<Row>> dep = deployment ? c.preparedQuery(FLOW_DEPLOYMENT).execute(Tuple.of(runId))
        : Future.succeededFuture(null);
    Future<RowSet<Row>> limits = c.preparedQuery(FLOW_LIMITS).execute(Tuple.of(runId, deployment));
    return Future.all(leases, dep, limits).map(all -> {
      Map<UUID, ConcurrencyLimitV2> byId = new HashMap<>();
      for (Row r : limits.result()) {
        ConcurrencyLimitV2 l = limitRow(r);
        byId.put(l.id(), l);
      }
      DeploymentRow d = null;
      if (dep.result() != null && dep.result().size() > 0) {
        Row r = dep.result().iterator().next();
        if (r.getUUID(DEPLOYMENT_ID) != null) {
          com.fasterxml.jackson.databind.JsonNode opts = JsonCodec.read(r.getString(DEPLOYMENT_OPTIONS));
          boolean cancelNew = opts != null && "CANCEL_NEW".equals(opts.path("collision_strategy").asText());
          Integer grace = opts != null && opts.path("grace_period_seconds").isNumber()
              ? opts.path("grace_period_seconds").asInt() : null;
          UUID limitId = r.getUUID(DEPLOYMENT_CONCURRENCY_LIMIT_ID);
          d = new DeploymentRow(r.getUUID(DEPLOYMENT_ID), limitId == null ? null : byId.get(limitId), cancelNew, grace);
        }
      }
      return new FactRows(List.of(), List.of(), all(leases.result(), ConcurrencyStore::leaseRow), d);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // slot and lease writes

  static final String LOCK_LIMITS = "SELECT id FROM concurrency_limit_v2 WHERE id = ANY ($1) ORDER BY id FOR UPDATE";

  /** Locks the given limits in id order (re-locking rows this transaction holds is free). */
  public static Future<Void> lockLimits(SqlClient c, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery(LOCK_LIMITS).execute(Tuple.of((Object) arr(ids))).mapEmpty();
  }

  static final String INCREMENT = """
      WITH inc AS (
        UPDATE concurrency_limit_v2 c
           SET active_slots = %1$s + $2, denied_slots = %2$s, updated = clock_timestamp()
         WHERE c.id = ANY ($1) AND c.active AND %1$s + $2 <= c."limit"
        RETURNING c.id),
      ins AS (
        INSERT INTO concurrency_lease (id, expires_at, resource_ids, slots, holder_type, holder_id)
        SELECT $3, CASE WHEN $4::float8 IS NULL THEN 'infinity'::timestamptz
                        ELSE clock_timestamp() + make_interval(secs => $4::float8) END,
               $1, $2, $5, $6
         WHERE $3::uuid IS NOT NULL AND (SELECT count(*) FROM inc) = cardinality($1::uuid[]))
      SELECT count(*)::int AS n FROM inc""".formatted(effActive("c"), effDenied("c"));

  /**
   * Increment(ids, n) of spec §1.1 and, when {@code leaseId} is not null and every limit was
   * incremented, a lease over them. Locks the limits in id order first. Succeeds with true when
   * every id was incremented; with false the caller must roll back (rows that qualified were
   * incremented). {@code ttlSeconds} null = a lease that never expires.
   */
  public static Future<Boolean> increment(SqlClient c, List<UUID> ids, int slots, UUID leaseId, Double ttlSeconds,
      String holderType, UUID holderId) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(true);
    }
    Future<Void> lock = lockLimits(c, ids);
    Future<RowSet<Row>> inc = c.preparedQuery(INCREMENT).execute(Tuple.of(arr(ids), slots, leaseId, ttlSeconds,
        holderType, holderId));
    return lock.compose(v -> inc).map(rows -> rows.iterator().next().getInteger("n") == ids.size());
  }

  static final String LOCK_LEASES = "SELECT id FROM concurrency_lease WHERE id = ANY ($1) ORDER BY id FOR UPDATE";

  static final String LOCK_LEASE_LIMITS = "SELECT id FROM concurrency_limit_v2 WHERE id IN"
      + " (SELECT unnest(resource_ids) FROM concurrency_lease WHERE id = ANY ($1)) ORDER BY id FOR UPDATE";

  /** Deletes the leases and decrements their limits by their slots (occupancy = lease age). */
  static final String RELEASE = """
      WITH del AS (
        DELETE FROM concurrency_lease WHERE id = ANY ($1)
        RETURNING resource_ids, slots, extract(epoch FROM clock_timestamp() - created) AS occupancy),
      agg AS (
        SELECT r AS limit_id, sum(slots)::int AS n, avg(occupancy) AS occupancy
          FROM del, unnest(del.resource_ids) r GROUP BY r),
      upd AS (
        UPDATE concurrency_limit_v2 c
           SET active_slots = greatest(0, %1$s - agg.n), denied_slots = %2$s,
               avg_slot_occupancy_seconds = CASE WHEN c."limit" > 0 AND agg.n > 0
                 THEN c.avg_slot_occupancy_seconds
                      + greatest(agg.occupancy / agg.n, 0.1) / (c."limit" * 2)
                      - c.avg_slot_occupancy_seconds / (c."limit" * 2)
                 ELSE c.avg_slot_occupancy_seconds END,
               updated = clock_timestamp()
          FROM agg WHERE c.id = agg.limit_id
        RETURNING c.id)
      SELECT (SELECT count(*) FROM del)::int AS leases""".formatted(effActive("c"), effDenied("c"));

  /**
   * Releases leases: gives back their slots (also on inactive limits — a held slot is a held slot)
   * and deletes them. Leases that are gone are skipped, so releasing twice is harmless. Locks the
   * leases, then their limits in id order. Succeeds with the number of leases released.
   */
  public static Future<Integer> releaseLeases(SqlClient c, List<UUID> leaseIds) {
    if (leaseIds.isEmpty()) {
      return Future.succeededFuture(0);
    }
    Tuple t = Tuple.of((Object) arr(leaseIds));
    Future<RowSet<Row>> l1 = c.preparedQuery(LOCK_LEASES).execute(t);
    Future<RowSet<Row>> l2 = c.preparedQuery(LOCK_LEASE_LIMITS).execute(t);
    Future<RowSet<Row>> rel = c.preparedQuery(RELEASE).execute(t);
    return Future.all(l1, l2, rel).map(x -> rel.result().iterator().next().getInteger("leases"));
  }

  static final String DECREMENT = """
      UPDATE concurrency_limit_v2 c
         SET active_slots = greatest(0, %1$s - $2), denied_slots = %2$s,
             avg_slot_occupancy_seconds = CASE WHEN $3::float8 IS NOT NULL AND c."limit" > 0
               THEN c.avg_slot_occupancy_seconds + greatest($3::float8 / $2, 0.1) / (c."limit" * 2)
                    - c.avg_slot_occupancy_seconds / (c."limit" * 2)
               ELSE c.avg_slot_occupancy_seconds END,
             updated = clock_timestamp()
       WHERE c.id = ANY ($1) AND c.active
      RETURNING c.id""".formatted(effActive("c"), effDenied("c"));

  /** Decrement(ids, n, occupancy) of spec §1.1 on the active limits among {@code ids}; the ids updated. */
  public static Future<List<UUID>> decrement(SqlClient c, List<UUID> ids, int slots, Double occupancySeconds) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    Future<Void> lock = lockLimits(c, ids);
    Future<RowSet<Row>> dec = c.preparedQuery(DECREMENT).execute(Tuple.of(arr(ids), slots, occupancySeconds));
    return lock.compose(v -> dec).map(rows -> all(rows, r -> r.getUUID("id")));
  }

  static final String RECORD_DENIED = """
      UPDATE concurrency_limit_v2 c
         SET active_slots = %1$s, denied_slots = %2$s + $2, updated = clock_timestamp()
       WHERE c.id = ANY ($1)""".formatted(effActive("c"), effDenied("c"));

  /** Adds {@code slots} denied slots to each limit (locks them in id order first). */
  public static Future<Void> recordDenied(SqlClient c, List<UUID> ids, int slots) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> lock = lockLimits(c, ids);
    Future<RowSet<Row>> upd = c.preparedQuery(RECORD_DENIED).execute(Tuple.of(arr(ids), slots));
    return lock.compose(v -> upd).mapEmpty();
  }

  static final String RECORD_DENIED_EACH = """
      UPDATE concurrency_limit_v2 c
         SET active_slots = %1$s, denied_slots = %2$s + d.n, updated = clock_timestamp()
        FROM unnest($1::uuid[], $2::int[]) AS d(id, n)
       WHERE c.id = d.id""".formatted(effActive("c"), effDenied("c"));

  /**
   * Adds {@code slots[i]} denied slots to limit {@code ids[i]} (distinct ids; locks them in id
   * order first). Limits that are gone are skipped.
   */
  public static Future<Void> recordDenied(SqlClient c, List<UUID> ids, List<Integer> slots) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> lock = lockLimits(c, ids);
    Future<RowSet<Row>> upd = c.preparedQuery(RECORD_DENIED_EACH)
        .execute(Tuple.of(arr(ids), (Object) slots.toArray(new Integer[0])));
    return lock.compose(v -> upd).mapEmpty();
  }

  static final String RENEW = """
      UPDATE concurrency_lease
         SET expires_at = CASE WHEN $2::float8 IS NULL THEN 'infinity'::timestamptz
                               ELSE clock_timestamp() + make_interval(secs => $2::float8) END
       WHERE id = $1""";

  /** Moves the lease's expiry (null TTL = never); false when the lease is gone. */
  public static Future<Boolean> renew(SqlClient c, UUID leaseId, Double ttlSeconds) {
    return c.preparedQuery(RENEW).execute(Tuple.of(leaseId, ttlSeconds)).map(rows -> rows.rowCount() > 0);
  }

  static final String LEGACY_ADD = "UPDATE concurrency_limit SET active_slots = array_append(active_slots, $2),"
      + " updated = now() WHERE id = ANY ($1) AND NOT ($2 = ANY (active_slots))";

  static final String LEGACY_REMOVE = "UPDATE concurrency_limit SET active_slots = array_remove(active_slots, $1),"
      + " updated = now() WHERE $1 = ANY (active_slots)";

  /** Legacy v1 rows: adds the task run to {@code active_slots} of these rows (one statement, even for none). */
  public static Future<Void> addLegacySlot(SqlClient c, List<UUID> legacyIds, UUID taskRunId) {
    return c.preparedQuery(LEGACY_ADD).execute(Tuple.of(arr(legacyIds), taskRunId)).mapEmpty();
  }

  /** Legacy v1 rows: removes the task run from every row's {@code active_slots}. */
  public static Future<Void> removeLegacySlots(SqlClient c, UUID taskRunId) {
    return c.preparedQuery(LEGACY_REMOVE).execute(Tuple.of(taskRunId)).mapEmpty();
  }

  // ---------------------------------------------------------------------------------------------
  // the lease reaper

  static final String EXPIRED = "SELECT id FROM concurrency_lease WHERE expires_at < clock_timestamp()"
      + " ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED";

  /**
   * One batch of the reaper: up to {@code batch} expired leases that no other transaction holds
   * are released (their slots given back). Succeeds with the number released.
   */
  public static Future<Integer> reapExpired(SqlConnection c, int batch) {
    return c.preparedQuery(EXPIRED).execute(Tuple.of(batch)).compose(rows -> {
      List<UUID> ids = all(rows, r -> r.getUUID("id"));
      return releaseLeases(c, ids);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // limits: reads and CRUD

  public static Future<ConcurrencyLimitV2> get(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c WHERE c.id = $1")
        .execute(Tuple.of(id)).map(FlowRepository.first(ConcurrencyStore::limitRow));
  }

  public static Future<ConcurrencyLimitV2> getByName(SqlClient c, String name) {
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c WHERE c.name = $1")
        .execute(Tuple.of(name)).map(FlowRepository.first(ConcurrencyStore::limitRow));
  }

  /** By id when {@code idOrName} parses as a UUID, else by name. */
  public static Future<ConcurrencyLimitV2> getByIdOrName(SqlClient c, String idOrName) {
    UUID id = parseUuid(idOrName);
    return id != null ? get(c, id) : getByName(c, idOrName);
  }

  /** A dashed or 32-hex-digit UUID, or null. */
  public static UUID parseUuid(String s) {
    if (s == null) {
      return null;
    }
    String t = s.trim();
    if (t.length() == 32 && t.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
      t = t.substring(0, 8) + "-" + t.substring(8, 12) + "-" + t.substring(12, 16) + "-" + t.substring(16, 20)
          + "-" + t.substring(20);
    }
    if (t.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(t);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Locks the limits with these names (unknown names skipped), id order; returned in that order. */
  public static Future<List<ConcurrencyLimitV2>> lockByNames(SqlClient c, List<String> names) {
    if (names.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c WHERE c.name = ANY ($1)"
            + " ORDER BY c.id FOR UPDATE")
        .execute(Tuple.of((Object) names.toArray(new String[0]))).map(rows -> all(rows, ConcurrencyStore::limitRow));
  }

  public static Future<List<ConcurrencyLimitV2>> list(SqlClient c, String namePrefix, int limit, int offset) {
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c"
            + " WHERE ($1::text IS NULL OR c.name LIKE $1 || '%') ORDER BY c.name LIMIT $2 OFFSET $3")
        .execute(Tuple.of(namePrefix, limit, offset)).map(rows -> all(rows, ConcurrencyStore::limitRow));
  }

  /** The fields of a create or a patch; nulls are "not given" for patches. */
  public record LimitFields(Boolean active, String name, Integer limit, Integer activeSlots, Integer deniedSlots,
      Double slotDecayPerSecond) {}

  public static Future<ConcurrencyLimitV2> insert(SqlClient c, LimitFields f) {
    return c.preparedQuery("INSERT INTO concurrency_limit_v2 AS c (active, name, \"limit\", active_slots, denied_slots,"
            + " slot_decay_per_second) VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + LIMIT_COLUMNS)
        .execute(Tuple.of(f.active() == null || f.active(), f.name(), f.limit(),
            f.activeSlots() == null ? 0 : f.activeSlots(), f.deniedSlots() == null ? 0 : f.deniedSlots(),
            f.slotDecayPerSecond() == null ? 0.0 : f.slotDecayPerSecond()))
        .map(FlowRepository.first(ConcurrencyStore::limitRow));
  }

  /**
   * Writes the given fields; unchanged counters are rewritten as their decayed values so
   * {@code updated} can move without changing what they mean. False when the limit is gone.
   */
  public static Future<Boolean> patch(SqlClient c, UUID id, LimitFields f) {
    String sql = "UPDATE concurrency_limit_v2 c SET active = coalesce($2, c.active), name = coalesce($3, c.name),"
        + " \"limit\" = coalesce($4, c.\"limit\"), active_slots = coalesce($5, " + effActive("c") + "),"
        + " denied_slots = coalesce($6, " + effDenied("c") + "),"
        + " slot_decay_per_second = coalesce($7, c.slot_decay_per_second), updated = clock_timestamp()"
        + " WHERE c.id = $1";
    return c.preparedQuery(sql).execute(Tuple.of(id, f.active(), f.name(), f.limit(), f.activeSlots(),
        f.deniedSlots(), f.slotDecayPerSecond())).map(rows -> rows.rowCount() > 0);
  }

  /** Deletes the limit and the leases that hold its slots (leases first). False when it was gone. */
  public static Future<Boolean> delete(SqlClient c, UUID id) {
    Future<RowSet<Row>> lock = c.preparedQuery("SELECT id FROM concurrency_lease WHERE $1 = ANY (resource_ids)"
        + " ORDER BY id FOR UPDATE").execute(Tuple.of(id));
    Future<RowSet<Row>> leases = c.preparedQuery("DELETE FROM concurrency_lease WHERE $1 = ANY (resource_ids)")
        .execute(Tuple.of(id));
    Future<RowSet<Row>> del = c.preparedQuery("DELETE FROM concurrency_limit_v2 WHERE id = $1").execute(Tuple.of(id));
    return Future.all(lock, leases, del).map(x -> del.result().rowCount() > 0);
  }

  // ---------------------------------------------------------------------------------------------
  // leases: reads

  public static Future<LeaseRow> lease(SqlClient c, UUID id, boolean lock) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE l.id = $1"
            + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(id))
        .map(FlowRepository.first(ConcurrencyStore::leaseRow));
  }

  /** Unexpired leases holding slots of the limit, oldest first. */
  public static Future<List<LeaseRow>> leasesOf(SqlClient c, UUID limitId) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE $1 = ANY (l.resource_ids)"
            + " AND l.expires_at > clock_timestamp() ORDER BY l.created, l.id")
        .execute(Tuple.of(limitId)).map(rows -> all(rows, ConcurrencyStore::leaseRow));
  }

  /** Locks (leases first) and returns the unexpired-or-not leases of the limit. */
  public static Future<List<LeaseRow>> lockLeasesOf(SqlClient c, UUID limitId) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE $1 = ANY (l.resource_ids)"
            + " ORDER BY l.id FOR UPDATE")
        .execute(Tuple.of(limitId)).map(rows -> all(rows, ConcurrencyStore::leaseRow));
  }

  /** Locks and returns the leases held by {@code holderId} (id order). */
  public static Future<List<LeaseRow>> lockLeasesHeldBy(SqlClient c, UUID holderId) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE l.holder_id = $1"
            + " ORDER BY l.id FOR UPDATE").execute(Tuple.of(holderId)).map(rows -> all(rows, ConcurrencyStore::leaseRow));
  }

  public static Future<Void> deleteLeases(SqlClient c, List<UUID> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery("DELETE FROM concurrency_lease WHERE id = ANY ($1)").execute(Tuple.of((Object) arr(ids))).mapEmpty();
  }

  /** Leases filtered by holder and/or limit, newest first, paged. */
  public static Future<List<LeaseRow>> listLeases(SqlClient c, UUID holderId, UUID limitId,
      boolean includeExpired, int limit, int offset) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l"
            + " WHERE ($1::uuid IS NULL OR l.holder_id = $1) AND ($2::uuid IS NULL OR $2 = ANY (l.resource_ids))"
            + " AND ($3 OR l.expires_at > clock_timestamp()) ORDER BY l.created DESC, l.id LIMIT $4 OFFSET $5")
        .execute(Tuple.of(holderId, limitId, includeExpired, limit, offset)).map(rows -> all(rows, ConcurrencyStore::leaseRow));
  }

  // ---------------------------------------------------------------------------------------------
  // legacy v1 rows

  public record LegacyRow(UUID id, Instant created, Instant updated, String tag, int limit, List<UUID> activeSlots) {}

  /** A row of {@link #LEGACY_COLUMNS}. */
  static LegacyRow legacy(Row r) {
    UUID[] slots = r.getArrayOfUUIDs(LEGACY_ACTIVE_SLOTS);
    return new LegacyRow(r.getUUID(LEGACY_ID), Rows.instant(r, LEGACY_CREATED), Rows.instant(r, LEGACY_UPDATED),
        r.getString(LEGACY_TAG), r.getInteger(LEGACY_CONCURRENCY_LIMIT), slots == null ? List.of() : List.of(slots));
  }

  public static Future<LegacyRow> legacyById(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v WHERE v.id = $1")
        .execute(Tuple.of(id)).map(FlowRepository.first(ConcurrencyStore::legacy));
  }

  public static Future<LegacyRow> legacyByTag(SqlClient c, String tag, boolean lock) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v WHERE v.tag = $1"
            + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(tag)).map(FlowRepository.first(ConcurrencyStore::legacy));
  }

  public static Future<List<LegacyRow>> lockLegacyByTags(SqlClient c, List<String> tags) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v WHERE v.tag = ANY ($1)"
            + " ORDER BY v.tag FOR UPDATE").execute(Tuple.of((Object) tags.toArray(new String[0])))
        .map(rows -> all(rows, ConcurrencyStore::legacy));
  }

  public static Future<List<LegacyRow>> legacyList(SqlClient c, int limit) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v ORDER BY v.tag LIMIT $1")
        .execute(Tuple.of(limit)).map(rows -> all(rows, ConcurrencyStore::legacy));
  }

  public static Future<Void> legacySetSlots(SqlClient c, UUID id, List<UUID> slots) {
    return c.preparedQuery("UPDATE concurrency_limit SET active_slots = $2, updated = now() WHERE id = $1")
        .execute(Tuple.of(id, arr(slots))).mapEmpty();
  }

  public static Future<Void> legacyAdd(SqlClient c, List<UUID> ids, UUID taskRunId) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return c.preparedQuery(LEGACY_ADD).execute(Tuple.of(arr(ids), taskRunId)).mapEmpty();
  }

  /** Removes the run from the given rows; the ids of rows that held it. */
  public static Future<List<UUID>> legacyRemove(SqlClient c, List<UUID> ids, UUID taskRunId) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return c.preparedQuery("UPDATE concurrency_limit SET active_slots = array_remove(active_slots, $2), updated = now()"
            + " WHERE id = ANY ($1) AND $2 = ANY (active_slots) RETURNING id")
        .execute(Tuple.of(arr(ids), taskRunId)).map(rows -> all(rows, r -> r.getUUID("id")));
  }

  public static Future<Boolean> legacyDelete(SqlClient c, UUID id) {
    return c.preparedQuery("DELETE FROM concurrency_limit WHERE id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  /** Sorts limits by the order of {@code names} (unknown last). */
  public static List<ConcurrencyLimitV2> inNameOrder(List<ConcurrencyLimitV2> limits, List<String> names) {
    List<ConcurrencyLimitV2> out = new ArrayList<>(limits);
    out.sort(Comparator.comparingInt(l -> {
      int i = names.indexOf(l.name());
      return i < 0 ? Integer.MAX_VALUE : i;
    }));
    return out;
  }

  static String arrText(UUID[] a) {
    return Arrays.toString(a);
  }

  // ---- group concurrency reads (GroupConcurrency, GroupSlots) ----
  // The concurrency facts of a group of task runs (OrchestrationService.groupAttempt), read in the
  // group's transaction after its run locks, one statement each for the whole group.

  static final String HELD_BY_ANY = "SELECT " + LEASE_COLUMNS
      + " FROM concurrency_lease l WHERE l.holder_id = ANY ($1) ORDER BY l.id FOR UPDATE";

  /**
   * Locks (id order) and returns the leases held by any of {@code holderIds}, by holder. Issue only
   * after the holders' run rows are locked: run rows → lease rows is the lock order.
   */
  public static Future<Map<UUID, List<LeaseRow>>> lockLeasesHeldByAny(SqlClient c, List<UUID> holderIds) {
    return c.preparedQuery(HELD_BY_ANY).execute(Tuple.of((Object) arr(holderIds))).map(rows -> {
      Map<UUID, List<LeaseRow>> byHolder = new HashMap<>();
      for (Row r : rows) {
        LeaseRow l = leaseRow(r);
        byHolder.computeIfAbsent(l.holderId(), k -> new ArrayList<>()).add(l);
      }
      return byHolder;
    });
  }

  static final String LEGACY_NAMING = "SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v"
      + " WHERE v.tag = ANY ($1) OR v.active_slots && $2::uuid[]";

  /** Legacy v1 rows of any of these tags or holding a slot of any of these runs (unlocked). */
  public static Future<List<LegacyRow>> readLegacyNaming(SqlClient c, List<String> tags, List<UUID> runIds) {
    return c.preparedQuery(LEGACY_NAMING).execute(Tuple.of((Object) tags.toArray(new String[0]), (Object) arr(runIds)))
        .map(rows -> all(rows, ConcurrencyStore::legacy));
  }

  static final String LIMITS_BY_NAME_READ = "SELECT " + LIMIT_COLUMNS
      + " FROM concurrency_limit_v2 c WHERE c.name = ANY ($1) ORDER BY c.id";

  /** The v2 limits with these names, in id order, as committed now (unlocked). */
  public static Future<List<ConcurrencyLimitV2>> readLimitsByName(SqlClient c, List<String> names) {
    return c.preparedQuery(LIMITS_BY_NAME_READ).execute(Tuple.of((Object) names.toArray(new String[0])))
        .map(rows -> all(rows, ConcurrencyStore::limitRow));
  }

  static final String LOCK_NAMED_OR = "SELECT " + LIMIT_COLUMNS
      + " FROM concurrency_limit_v2 c WHERE c.name = ANY ($1) OR c.id = ANY ($2) ORDER BY c.id FOR UPDATE";

  /**
   * Locks, in one id-ordered statement, the v2 limits with these names and these ids, and returns
   * them. A group that takes slots locks every limit it will write this way, so
   * its limit locks are all taken in id order.
   */
  public static Future<List<ConcurrencyLimitV2>> lockLimitsNamedOr(SqlClient c, List<String> names, List<UUID> ids) {
    return c.preparedQuery(LOCK_NAMED_OR).execute(Tuple.of((Object) names.toArray(new String[0]), (Object) arr(ids)))
        .map(rows -> all(rows, ConcurrencyStore::limitRow));
  }
  // ---- end group concurrency reads ----
}
