package dev.baton.persistence.concurrency;

import static dev.baton.persistence.concurrency.ConcurrencyRows.LEASE_COLUMNS;
import static dev.baton.persistence.concurrency.ConcurrencyRows.all;

import dev.baton.domain.ConcurrencyLease;
import dev.baton.persistence.FlowRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * Leases as rows (spec/concurrency.md §1.3): one by id, those of a limit or a holder (locked or
 * not), and pages of them. Releases (slots given back) are {@link SlotStore#releaseLeases}.
 */
public final class LeaseStore {
  private LeaseStore() {}

  public static Future<ConcurrencyLease> lease(SqlClient c, UUID id, boolean lock) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE l.id = $1"
            + (lock ? " FOR UPDATE" : "")).execute(Tuple.of(id))
        .map(FlowRepository.first(ConcurrencyRows::leaseRow));
  }

  /** Unexpired leases holding slots of the limit, oldest first. */
  public static Future<List<ConcurrencyLease>> leasesOf(SqlClient c, UUID limitId) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE $1 = ANY (l.resource_ids)"
            + " AND l.expires_at > clock_timestamp() ORDER BY l.created, l.id")
        .execute(Tuple.of(limitId)).map(rows -> all(rows, ConcurrencyRows::leaseRow));
  }

  /** Locks (leases first) and returns the unexpired-or-not leases of the limit. */
  public static Future<List<ConcurrencyLease>> lockLeasesOf(SqlClient c, UUID limitId) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE $1 = ANY (l.resource_ids)"
            + " ORDER BY l.id FOR UPDATE")
        .execute(Tuple.of(limitId)).map(rows -> all(rows, ConcurrencyRows::leaseRow));
  }

  /** Locks and returns the leases held by {@code holderId} (id order). */
  public static Future<List<ConcurrencyLease>> lockLeasesHeldBy(SqlClient c, UUID holderId) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l WHERE l.holder_id = $1"
            + " ORDER BY l.id FOR UPDATE").execute(Tuple.of(holderId)).map(rows -> all(rows, ConcurrencyRows::leaseRow));
  }

  /** Leases filtered by holder and/or limit, newest first, paged. */
  public static Future<List<ConcurrencyLease>> listLeases(SqlClient c, UUID holderId, UUID limitId,
      boolean includeExpired, int limit, int offset) {
    return c.preparedQuery("SELECT " + LEASE_COLUMNS + " FROM concurrency_lease l"
            + " WHERE ($1::uuid IS NULL OR l.holder_id = $1) AND ($2::uuid IS NULL OR $2 = ANY (l.resource_ids))"
            + " AND ($3 OR l.expires_at > clock_timestamp()) ORDER BY l.created DESC, l.id LIMIT $4 OFFSET $5")
        .execute(Tuple.of(holderId, limitId, includeExpired, limit, offset)).map(rows -> all(rows, ConcurrencyRows::leaseRow));
  }
}
