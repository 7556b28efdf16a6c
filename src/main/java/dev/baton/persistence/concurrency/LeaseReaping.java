package dev.baton.persistence.concurrency;

import static dev.baton.persistence.concurrency.ConcurrencyRows.all;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * The lease reaper's statement (spec/concurrency.md §1.3, the repossessor): expired leases no other
 * transaction holds, taken with {@code SKIP LOCKED}, released with their slots — lease rows, then
 * their limits, the usual lock order.
 */
public final class LeaseReaping {
  private LeaseReaping() {}

  static final String EXPIRED = "SELECT id FROM concurrency_lease WHERE expires_at < clock_timestamp()"
      + " ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED";

  /**
   * One batch of the reaper: up to {@code batch} expired leases that no other transaction holds
   * are released (their slots given back). Succeeds with the number released.
   */
  public static Future<Integer> reapExpired(SqlConnection c, int batch) {
    return c.preparedQuery(EXPIRED).execute(Tuple.of(batch)).compose(rows -> {
      List<UUID> ids = all(rows, r -> r.getUUID("id"));
      return SlotStore.releaseLeases(c, ids);
    });
  }
}
