package dev.baton.persistence.concurrency;

import static dev.baton.persistence.concurrency.ConcurrencyRows.LIMIT_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.all;
import static dev.baton.persistence.concurrency.ConcurrencyRows.effActive;
import static dev.baton.persistence.concurrency.ConcurrencyRows.effDenied;
import static dev.baton.persistence.concurrency.ConcurrencyRows.texts;

import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.persistence.FlowRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * Global ("v2") limits as rows (spec/concurrency.md §1.1, §4.2): reads by id or name, pages, the
 * locked read by names an acquisition decides on, and create, patch and delete. Slot counts are
 * written by {@link SlotStore}; counters read here are the effective (decayed) values.
 */
public final class LimitStore {
  private LimitStore() {}

  /** The fields of a create or a patch; nulls are "not given" for patches. */
  public record LimitFields(Boolean active, String name, Integer limit, Integer activeSlots, Integer deniedSlots,
      Double slotDecayPerSecond) {}

  public static Future<ConcurrencyLimitV2> get(SqlClient c, UUID id) {
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c WHERE c.id = $1")
        .execute(Tuple.of(id)).map(FlowRepository.first(ConcurrencyRows::limitRow));
  }

  /** The limits with these ids (unknown ids skipped), in no particular order. */
  public static Future<List<ConcurrencyLimitV2>> getAll(SqlClient c, List<UUID> ids) {
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c WHERE c.id = ANY($1::uuid[])")
        .execute(Tuple.of(ids.toArray(new UUID[0]))).map(rows -> all(rows, ConcurrencyRows::limitRow));
  }

  public static Future<ConcurrencyLimitV2> getByName(SqlClient c, String name) {
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c WHERE c.name = $1")
        .execute(Tuple.of(name)).map(FlowRepository.first(ConcurrencyRows::limitRow));
  }

  /** By id when {@code idOrName} parses as a UUID, else by name. */
  public static Future<ConcurrencyLimitV2> getByIdOrName(SqlClient c, String idOrName) {
    UUID id = parseUuid(idOrName);
    return id != null ? get(c, id) : getByName(c, idOrName);
  }

  /** A dashed or 32-hex-digit UUID, or null. */
  private static UUID parseUuid(String s) {
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
        .execute(Tuple.of((Object) texts(names))).map(rows -> all(rows, ConcurrencyRows::limitRow));
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

  /** A page of limits by name, those whose name starts with {@code namePrefix} when it is not null. */
  public static Future<List<ConcurrencyLimitV2>> list(SqlClient c, String namePrefix, int limit, int offset) {
    return c.preparedQuery("SELECT " + LIMIT_COLUMNS + " FROM concurrency_limit_v2 c"
            + " WHERE ($1::text IS NULL OR c.name LIKE $1 || '%') ORDER BY c.name LIMIT $2 OFFSET $3")
        .execute(Tuple.of(namePrefix, limit, offset)).map(rows -> all(rows, ConcurrencyRows::limitRow));
  }

  public static Future<ConcurrencyLimitV2> insert(SqlClient c, LimitFields f) {
    return c.preparedQuery("INSERT INTO concurrency_limit_v2 AS c (active, name, \"limit\", active_slots, denied_slots,"
            + " slot_decay_per_second) VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + LIMIT_COLUMNS)
        .execute(Tuple.of(f.active() == null || f.active(), f.name(), f.limit(),
            f.activeSlots() == null ? 0 : f.activeSlots(), f.deniedSlots() == null ? 0 : f.deniedSlots(),
            f.slotDecayPerSecond() == null ? 0.0 : f.slotDecayPerSecond()))
        .map(FlowRepository.first(ConcurrencyRows::limitRow));
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
}
