package dev.baton.persistence.concurrency;

import static dev.baton.persistence.concurrency.ConcurrencyRows.all;
import static dev.baton.persistence.concurrency.ConcurrencyRows.arr;
import static dev.baton.persistence.concurrency.ConcurrencyRows.effActive;
import static dev.baton.persistence.concurrency.ConcurrencyRows.effDenied;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Slot writes (spec/concurrency.md §1.1): Increment with its lease, lease releases, Decrement,
 * denied slots, lease renewal, and a task run's seat in legacy v1 rows. Every method runs on the
 * caller's connection, in the caller's transaction (a state transition's slot change is written in
 * the transition's transaction). Methods that update several limits lock them in id order first,
 * pipelined (no extra round trip), so two multi-row updates never deadlock.
 */
public final class SlotStore {
  private SlotStore() {}

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

  /**
   * {@link #increment} for a caller that decided on the limits locked: the slots are taken, or
   * the transaction fails with an {@link IllegalStateException} (they cannot be gone while the
   * caller's locks are held; the failure rolls back what qualified).
   */
  public static Future<Void> incrementOrFail(SqlClient c, List<UUID> ids, int slots, UUID leaseId, Double ttlSeconds,
      String holderType, UUID holderId) {
    return incrementOrFail(c, ids, slots, leaseId, ttlSeconds, holderType, holderId,
        () -> new IllegalStateException("slots on " + ids + " were no longer free under the lock"));
  }

  /** As {@code incrementOrFail} above, failing with {@code gone}'s exception instead. */
  public static Future<Void> incrementOrFail(SqlClient c, List<UUID> ids, int slots, UUID leaseId, Double ttlSeconds,
      String holderType, UUID holderId, Supplier<? extends RuntimeException> gone) {
    return increment(c, ids, slots, leaseId, ttlSeconds, holderType, holderId)
        .compose(ok -> ok ? Future.<Void>succeededFuture() : Future.failedFuture(gone.get()));
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
}
