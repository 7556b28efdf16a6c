package dev.baton.persistence.concurrency;

import static dev.baton.persistence.concurrency.ConcurrencyRows.LEGACY_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.all;
import static dev.baton.persistence.concurrency.ConcurrencyRows.arr;
import static dev.baton.persistence.concurrency.ConcurrencyRows.texts;

import dev.baton.persistence.FlowRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * Legacy v1 tag-limit rows ({@code concurrency_limit}, spec/concurrency.md §1.2): no longer created,
 * still honoured when present. Reads by id, tag or page, the locked read by tags, and the holder
 * writes of the v1 endpoints; orchestration's seat changes are {@link SlotStore#addLegacySlot} and
 * {@link SlotStore#removeLegacySlots}.
 */
public final class LegacyLimitStore {
  private LegacyLimitStore() {}

  public static Future<LegacyRow> byId(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v WHERE v.id = $1")
        .execute(Tuple.of(id)).map(FlowRepository.first(ConcurrencyRows::legacyRow));
  }

  public static Future<LegacyRow> byTag(SqlClient c, String tag, boolean lock) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v WHERE v.tag = $1"
            + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(tag)).map(FlowRepository.first(ConcurrencyRows::legacyRow));
  }

  /** Locks and returns the rows of these tags, by tag. */
  public static Future<List<LegacyRow>> lockByTags(SqlClient c, List<String> tags) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v WHERE v.tag = ANY ($1)"
            + " ORDER BY v.tag FOR UPDATE").execute(Tuple.of((Object) texts(tags)))
        .map(rows -> all(rows, ConcurrencyRows::legacyRow));
  }

  /** The first {@code limit} rows by tag. */
  public static Future<List<LegacyRow>> list(SqlClient c, int limit) {
    return c.preparedQuery("SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v ORDER BY v.tag LIMIT $1")
        .execute(Tuple.of(limit)).map(rows -> all(rows, ConcurrencyRows::legacyRow));
  }

  /** Replaces the row's holders. */
  public static Future<Void> setSlots(SqlClient c, UUID id, List<UUID> slots) {
    return c.preparedQuery("UPDATE concurrency_limit SET active_slots = $2, updated = now() WHERE id = $1")
        .execute(Tuple.of(id, arr(slots))).mapEmpty();
  }

  /** Adds the task run to these rows' holders; no statement for no rows. */
  public static Future<Void> add(SqlClient c, List<UUID> ids, UUID taskRunId) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return SlotStore.addLegacySlot(c, ids, taskRunId);
  }

  /** Removes the run from the given rows; the ids of rows that held it. */
  public static Future<List<UUID>> remove(SqlClient c, List<UUID> ids, UUID taskRunId) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return c.preparedQuery("UPDATE concurrency_limit SET active_slots = array_remove(active_slots, $2), updated = now()"
            + " WHERE id = ANY ($1) AND $2 = ANY (active_slots) RETURNING id")
        .execute(Tuple.of(arr(ids), taskRunId)).map(rows -> all(rows, r -> r.getUUID("id")));
  }

  public static Future<Boolean> delete(SqlClient c, UUID id) {
    return c.preparedQuery("DELETE FROM concurrency_limit WHERE id = $1").execute(Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }
}
