package dev.baton.persistence.concurrency;

import static dev.baton.persistence.concurrency.ConcurrencyRows.LEASE_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.LEGACY_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.LIMIT_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.all;
import static dev.baton.persistence.concurrency.ConcurrencyRows.arr;
import static dev.baton.persistence.concurrency.ConcurrencyRows.texts;

import dev.baton.domain.ConcurrencyLease;
import dev.baton.domain.ConcurrencyLimitV2;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The concurrency rows of a group of task runs (orchestration's set-state groups: GroupConcurrency,
 * GroupSlots), read in the group's transaction after its run locks, one statement each for the
 * whole group.
 */
public final class GroupConcurrencyReads {
  private GroupConcurrencyReads() {}

  static final String HELD_BY_ANY = "SELECT " + LEASE_COLUMNS
      + " FROM concurrency_lease l WHERE l.holder_id = ANY ($1) ORDER BY l.id FOR UPDATE";

  /**
   * Locks (id order) and returns the leases held by any of {@code holderIds}, by holder. Issue only
   * after the holders' run rows are locked: run rows → lease rows is the lock order.
   */
  public static Future<Map<UUID, List<ConcurrencyLease>>> lockLeasesHeldByAny(SqlClient c, List<UUID> holderIds) {
    return c.preparedQuery(HELD_BY_ANY).execute(Tuple.of((Object) arr(holderIds))).map(rows -> {
      Map<UUID, List<ConcurrencyLease>> byHolder = new HashMap<>();
      for (Row r : rows) {
        ConcurrencyLease l = ConcurrencyRows.leaseRow(r);
        byHolder.computeIfAbsent(l.holderId(), k -> new ArrayList<>()).add(l);
      }
      return byHolder;
    });
  }

  static final String LEGACY_NAMING = "SELECT " + LEGACY_COLUMNS + " FROM concurrency_limit v"
      + " WHERE v.tag = ANY ($1) OR v.active_slots && $2::uuid[]";

  /** Legacy v1 rows of any of these tags or holding a slot of any of these runs (unlocked). */
  public static Future<List<LegacyRow>> readLegacyNaming(SqlClient c, List<String> tags, List<UUID> runIds) {
    return c.preparedQuery(LEGACY_NAMING).execute(Tuple.of((Object) texts(tags), (Object) arr(runIds)))
        .map(rows -> all(rows, ConcurrencyRows::legacyRow));
  }

  static final String LIMITS_BY_NAME_READ = "SELECT " + LIMIT_COLUMNS
      + " FROM concurrency_limit_v2 c WHERE c.name = ANY ($1) ORDER BY c.id";

  /** The v2 limits with these names, in id order, as committed now (unlocked). */
  public static Future<List<ConcurrencyLimitV2>> readLimitsByName(SqlClient c, List<String> names) {
    return c.preparedQuery(LIMITS_BY_NAME_READ).execute(Tuple.of((Object) texts(names)))
        .map(rows -> all(rows, ConcurrencyRows::limitRow));
  }

  static final String LOCK_NAMED_OR = "SELECT " + LIMIT_COLUMNS
      + " FROM concurrency_limit_v2 c WHERE c.name = ANY ($1) OR c.id = ANY ($2) ORDER BY c.id FOR UPDATE";

  /**
   * Locks, in one id-ordered statement, the v2 limits with these names and these ids, and returns
   * them. A group that takes slots locks every limit it will write this way, so its limit locks
   * are all taken in id order.
   */
  public static Future<List<ConcurrencyLimitV2>> lockLimitsNamedOr(SqlClient c, List<String> names, List<UUID> ids) {
    return c.preparedQuery(LOCK_NAMED_OR).execute(Tuple.of((Object) texts(names), (Object) arr(ids)))
        .map(rows -> all(rows, ConcurrencyRows::limitRow));
  }
}
